package hostilegithub

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestServerRoutes(t *testing.T) {
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "fallback") })
	s := New(fallback)
	s.Handle("GET /repos/o/r/issues", Empty(200, "null"))
	s.Handle("/repos/o/r/pulls*", Empty(200, "{}"))
	s.Handle("POST /repos/o/r/issues", Redirect(307, "https://elsewhere.test"))
	for _, tt := range []struct {
		method, path, want string
		status             int
	}{
		{"GET", "/repos/o/r/issues", "null", 200},
		{"GET", "/repos/o/r/pulls/1/files", "{}", 200},
		{"PATCH", "/repos/o/r/pulls/1", "{}", 200},
		{"POST", "/repos/o/r/issues", "", 307},
		{"GET", "/repos/o/r", "fallback", 200},
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path+"?per_page=2", strings.NewReader("{}")))
		if rec.Code != tt.status || rec.Body.String() != tt.want {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.path, rec.Code, rec.Body, tt.status, tt.want)
		}
		if tt.status == 307 && rec.Header().Get("Location") != "https://elsewhere.test/repos/o/r/issues?per_page=2" {
			t.Errorf("Location = %q", rec.Header().Get("Location"))
		}
	}
	if n := s.Hits("GET /repos/o/r/issues"); n != 1 {
		t.Errorf("Hits = %d", n)
	}
}

func TestBodies(t *testing.T) {
	for _, tt := range []struct {
		name   string
		h      http.Handler
		prefix string
		min    int
	}{
		{"Huge declares its length", Huge(1<<20, true), "[{", 1 << 19},
		{"ManyItems", ManyItems(1000), "[{", 1000 * 100},
		{"ManyItemsObject", ManyItemsObject(10), `{"total_count":10`, 1000},
		{"HugeError", HugeError(500, 1<<20), `{"message":"xxx`, 1 << 20},
		{"Injecting", Injecting(), `{"base"`, len(Injection)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.h)
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || !strings.HasPrefix(string(b), tt.prefix) || len(b) < tt.min {
				t.Errorf("body %.40q (%d bytes), %v", b, len(b), err)
			}
			if cl := resp.ContentLength; cl >= 0 && cl != int64(len(b)) {
				t.Errorf("Content-Length %d, body %d bytes", cl, len(b))
			}
		})
	}
}
