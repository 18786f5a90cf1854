package haproxytest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/haproxytest"
)

// backend is an instance that answers its name.
func backend(t *testing.T, name string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, name)
	}))
	t.Cleanup(s.Close)
	return s
}

func get(t *testing.T, url string, header ...string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	return string(b)
}

func addr(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "http://") }

func TestRoundRobinReachesEveryBackend(t *testing.T) {
	a, b := backend(t, "a"), backend(t, "b")
	p := haproxytest.Start(t, haproxytest.Options{Backends: []string{addr(a), addr(b)}})
	var got []string
	for range 4 {
		got = append(got, get(t, p.URL()+"/mcp"))
	}
	if diff := cmp.Diff([]string{"a", "b", "a", "b"}, got); diff != "" {
		t.Errorf("answers through the balancer (-want +got):\n%s\nconfig:\n%s", diff, p.Config())
	}
}

// A killed instance refuses connections: the balancer sends its share
// to the others, and no client sees an error.
func TestADeadBackendCostsNoRequest(t *testing.T) {
	a, b := backend(t, "a"), backend(t, "b")
	p := haproxytest.Start(t, haproxytest.Options{Backends: []string{addr(a), addr(b)}})
	b.Close()
	for i := range 6 {
		if got := get(t, p.URL()+"/mcp"); got != "a" {
			t.Errorf("request %d answered by %q, want a", i, got)
		}
	}
}

// Balancing on Mcp-Session-Id keeps a session's requests on one instance
// (not necessarily the one that created the session: see StickyHeader).
func TestSessionHeaderIsSticky(t *testing.T) {
	a, b, c := backend(t, "a"), backend(t, "b"), backend(t, "c")
	p := haproxytest.Start(t, haproxytest.Options{
		Backends:   []string{addr(a), addr(b), addr(c)},
		Balance:    "hdr(Mcp-Session-Id)",
		HealthPath: "/healthz",
	})
	for _, session := range []string{"s-1", "s-2", "s-3", "s-4"} {
		first := get(t, p.URL()+"/mcp", "Mcp-Session-Id", session)
		for range 3 {
			if got := get(t, p.URL()+"/mcp", "Mcp-Session-Id", session); got != first {
				t.Errorf("session %s moved from %s to %s", session, first, got)
			}
		}
	}
}

// A StickyHeader pins a session to the backend that issued it, whichever
// one round robin chose for the request that created it; when that
// backend dies, the session's requests go to another.
func TestStickyHeaderPinsToTheIssuer(t *testing.T) {
	var backends []*httptest.Server
	for _, name := range []string{"a", "b", "c"} {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Mcp-Session-Id") == "" {
				w.Header().Set("Mcp-Session-Id", "session-of-"+name)
			}
			io.WriteString(w, name)
		}))
		t.Cleanup(s.Close)
		backends = append(backends, s)
	}
	p := haproxytest.Start(t, haproxytest.Options{
		Backends:     []string{addr(backends[0]), addr(backends[1]), addr(backends[2])},
		StickyHeader: "Mcp-Session-Id",
	})
	for range 3 {
		issuer := get(t, p.URL()+"/mcp")
		resp, err := http.Get(p.URL() + "/mcp")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Served-By"); !strings.HasPrefix(got, "i") {
			t.Errorf("X-Served-By = %q, want the backend's name", got)
		}
		for range 3 {
			if got := get(t, p.URL()+"/mcp", "Mcp-Session-Id", "session-of-"+issuer); got != issuer {
				t.Errorf("session-of-%s went to %s\nconfig:\n%s", issuer, got, p.Config())
			}
		}
	}
	backends[0].Close()
	if got := get(t, p.URL()+"/mcp", "Mcp-Session-Id", "session-of-a"); got == "a" {
		t.Error("a dead backend answered")
	}
}
