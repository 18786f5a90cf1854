package github

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/hostilegithub"
)

// counting counts the bytes a handler managed to write.
type counting struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c counting) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}

func (c counting) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func countBytes(h http.Handler, n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(counting{w, n}, r) })
}

// TestAnswersOverTheCapFailTheCall sends answers far over the cap: each
// fails its call with a *TooLargeError naming the limit, and the server
// could send no more than the cap and the sockets' buffers before the
// client hung up (the connection is dropped, not drained).
func TestAnswersOverTheCapFailTheCall(t *testing.T) {
	const limit = 1 << 20
	for _, tt := range []struct {
		name string
		h    http.Handler
	}{
		{"a 1 GB list announced by Content-Length", hostilegithub.Huge(1<<30, true)},
		{"a 1 GB chunked JSON object", hostilegithub.HugeError(http.StatusOK, 1<<30)},
		{"an endless text", hostilegithub.EndlessText()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var sent atomic.Int64
			srv := httptest.NewServer(countBytes(tt.h, &sent))
			c := newTestClient(t, srv.URL, Options{Token: testToken, MaxResponseBytes: limit})
			req, err := c.NewRequest("GET", "repos/o/r/issues/1", nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Do(context.Background(), req, io.Discard) // as a diff or a log is read
			var tl *TooLargeError
			if !errors.As(err, &tl) || !errors.Is(err, ErrResponseTooLarge) {
				t.Fatalf("err = %v, want a *TooLargeError", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "GET /repos/o/r/issues/1 is over the 1 MiB limit") || !strings.Contains(msg, "smaller per_page") {
				t.Errorf("message does not say what, the limit and how to narrow: %s", msg)
			}
			srv.Close() // waits for the handler: it ends only once the client hung up
			if n := sent.Load(); n > 64<<20 {
				t.Errorf("the server sent %d bytes: the answer was drained, not dropped", n)
			}
		})
	}
}

// TestHugeListsAreReadOnlyToPerPage: a list answer of 1 GB or endless is
// read only up to the items asked for; the rest is never read.
func TestHugeListsAreReadOnlyToPerPage(t *testing.T) {
	for _, tt := range []struct {
		name string
		h    http.Handler
	}{
		{"a 1 GB chunked list", hostilegithub.Huge(1<<30, false)},
		{"an endless list", hostilegithub.Endless()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var sent atomic.Int64
			srv := httptest.NewServer(countBytes(tt.h, &sent))
			c := newTestClient(t, srv.URL, Options{Token: testToken})
			list, _, err := c.Issues.ListByRepo(context.Background(), "o", "r", &gh.IssueListByRepoOptions{ListOptions: gh.ListOptions{PerPage: 30}})
			if err != nil || len(list) != 30 {
				t.Fatalf("ListByRepo: %d issues, %v; want 30", len(list), err)
			}
			srv.Close()
			if n := sent.Load(); n > 64<<20 {
				t.Errorf("the server sent %d bytes: the answer was drained, not dropped", n)
			}
		})
	}
}

// TestHugeErrorAnswers: an error document over the error cap is replaced
// by one saying so; the status still reaches go-github.
func TestHugeErrorAnswers(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(countBytes(hostilegithub.HugeError(http.StatusUnprocessableEntity, 1<<30), &sent))
	c := newTestClient(t, srv.URL, Options{Token: testToken, MaxErrorBytes: 64 << 10})
	_, _, err := c.Issues.Get(context.Background(), "o", "r", 1)
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("err = %v, want a 422 *ErrorResponse", err)
	}
	if !strings.Contains(er.Message, "error document over 64 KiB; ghmcp did not read it") {
		t.Errorf("message = %q", er.Message)
	}
	srv.Close()
	if n := sent.Load(); n > 64<<20 {
		t.Errorf("the server sent %d bytes", n)
	}
}

// TestAnswersUnderTheCapPass: the cap changes nothing below it.
func TestAnswersUnderTheCapPass(t *testing.T) {
	srv := httptest.NewServer(hostilegithub.Empty(http.StatusOK, `{"number":7,"title":"`+strings.Repeat("t", 1000)+`"}`))
	defer srv.Close()
	c := newTestClient(t, srv.URL, Options{Token: testToken, MaxResponseBytes: 2000})
	is, _, err := c.Issues.Get(context.Background(), "o", "r", 7)
	if err != nil || is.GetNumber() != 7 || len(is.GetTitle()) != 1000 {
		t.Fatalf("Get = %v, %v", is, err)
	}
}

// TestListAnswersTrimmedToPerPage: a list answer with more items than
// asked is cut to per_page before go-github decodes it.
func TestListAnswersTrimmedToPerPage(t *testing.T) {
	h := hostilegithub.New(nil)
	h.Handle("GET /repos/o/r/issues", hostilegithub.ManyItems(100_000))
	h.Handle("GET /search/issues", hostilegithub.ManyItemsObject(5_000))
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := newTestClient(t, srv.URL, Options{Token: testToken})
	ctx := context.Background()

	list, _, err := c.Issues.ListByRepo(ctx, "o", "r", &gh.IssueListByRepoOptions{ListOptions: gh.ListOptions{PerPage: 30}})
	if err != nil || len(list) != 30 || list[29].GetNumber() != 30 {
		t.Fatalf("ListByRepo: %d issues, %v; want the first 30", len(list), err)
	}
	res, _, err := c.Search.Issues(ctx, "x", &gh.SearchOptions{ListOptions: gh.ListOptions{PerPage: 10}})
	if err != nil || len(res.Issues) != 10 || res.GetTotal() != 5_000 {
		t.Fatalf("Search.Issues: %d issues, total %d, %v; want 10 of 5000", len(res.Issues), res.GetTotal(), err)
	}
}

func TestTrimList(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		perPage  int
		want     string
	}{
		{"an array is cut to per_page", `[1,2,3,4]`, 2, `[1,2]`},
		{"a short array passes", ` [1, 2] `, 5, ` [1, 2]`},
		{"an empty array passes", `[]`, 5, `[]`},
		{"an array without per_page is cut to MaxListItems", `[` + strings.Repeat(`{},`, MaxListItems) + `{}]`, 0, `[` + strings.Repeat(`{},`, MaxListItems-1) + `{}]`},
		{"an object's top-level arrays are cut", `{"total_count":9,"items":[{"a":[1,2,3]},{},{}],"x":{"y":[1,2,3]},"z":[1]}`, 1, `{"total_count":9,"items":[{"a":[1,2,3]}],"x":{"y":[1,2,3]},"z":[1]}`},
		{"an object without per_page passes", `{"a":[1,2,3]}`, 0, `{"a":[1,2,3]}`},
		{"null passes", `null`, 3, `null`},
		{"not JSON passes", `diff --git a/x b/x`, 3, `diff --git a/x b/x`},
		{"broken JSON passes as it came", `[1,2,{`, 5, `[1,2,{`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TrimList(strings.NewReader(tt.in), tt.perPage)
			if err != nil || string(got) != tt.want {
				t.Errorf("TrimList(%.40q, %d) = %.60q, %v; want %.60q", tt.in, tt.perPage, got, err, tt.want)
			}
		})
	}
}

// TestWritesAreNeverRedirected: a write answered with any redirect is not
// sent again anywhere, and the call fails saying the write may or may not
// have been applied.
func TestWritesAreNeverRedirected(t *testing.T) {
	var other recorder
	otherSrv := httptest.NewServer(other.handler(nil))
	defer otherSrv.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, method := range []string{"POST", "PATCH", "PUT", "DELETE"} {
			t.Run(method+" answered "+http.StatusText(status), func(t *testing.T) {
				h := hostilegithub.New(nil)
				h.Handle(method+" /repos/o/r/issues/1", hostilegithub.Redirect(status, otherSrv.URL))
				srv := httptest.NewServer(h)
				defer srv.Close()
				c := newTestClient(t, srv.URL, Options{Token: testToken})
				req, err := c.NewRequest(method, "repos/o/r/issues/1", map[string]string{"title": "x"})
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Do(context.Background(), req, nil)
				var re *RedirectError
				if !errors.As(err, &re) || !errors.Is(err, ErrWriteRedirected) || re.Status != status {
					t.Fatalf("err = %v, want a *RedirectError for %d", err, status)
				}
				if !strings.Contains(err.Error(), "may or may not have been applied") {
					t.Errorf("message = %s", err)
				}
				if h.Hits(method+" /repos/o/r/issues/1") != 1 {
					t.Errorf("the write reached the API %d times", h.Hits(method+" /repos/o/r/issues/1"))
				}
			})
		}
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	if len(other.seen) != 0 {
		t.Errorf("a write was re-sent to another host: %v", other.seen)
	}
}

// TestReadsFollowRedirectsWithoutTheToken: GET keeps following redirects,
// and the token stays on the API host.
func TestReadsFollowRedirectsWithoutTheToken(t *testing.T) {
	var other recorder
	otherSrv := httptest.NewServer(other.handler(nil))
	defer otherSrv.Close()
	h := hostilegithub.New(nil)
	h.Handle("GET /repos/o/r/issues/1", hostilegithub.Redirect(http.StatusTemporaryRedirect, otherSrv.URL))
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := newTestClient(t, srv.URL, Options{Token: testToken})
	if _, _, err := c.Issues.Get(context.Background(), "o", "r", 1); err != nil {
		t.Fatal(err)
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	if len(other.seen) != 1 || other.seen[0] != "GET /repos/o/r/issues/1 " {
		t.Errorf("the other host saw %q; want one GET without Authorization", other.seen)
	}
}

func TestParseAPIURLHidesPasswords(t *testing.T) {
	for _, raw := range []string{"https://bob:hunter2@ghe.example.com/api/v3/", "https://bob:hunter2@ghe.example.com/%zz", "http://bob:hunter2@10.0.0.1/"} {
		_, err := ParseAPIURL(raw)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseAPIURL(%q) = %v; want an error without the password", raw, err)
		}
	}
}

func TestCapBody(t *testing.T) {
	body := CapBody(io.NopCloser(strings.NewReader(strings.Repeat("x", 100))), 10, "GET", "/logs")
	b, err := io.ReadAll(body)
	var tl *TooLargeError
	if len(b) != 10 || !errors.As(err, &tl) || tl.Path != "/logs" {
		t.Errorf("read %d bytes, %v; want 10 and a *TooLargeError", len(b), err)
	}
	b, err = io.ReadAll(CapBody(io.NopCloser(strings.NewReader("short")), 10, "GET", "/logs"))
	if string(b) != "short" || err != nil {
		t.Errorf("read %q, %v", b, err)
	}
}
