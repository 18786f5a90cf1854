package webhook_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ghmcp/ghmcp/internal/metrics"
	"github.com/ghmcp/ghmcp/internal/webhook"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// The wiring the server does, end to end: a signed issues event drops the
// cached reads of that issue, and of nothing else, and is counted.
func TestAnIssuesEventDropsThatIssuesCachedReads(t *testing.T) {
	// A GitHub whose every GET has an ETag; it records which GETs were
	// conditional.
	var conditional []string
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag := `"` + r.URL.Path + `"`
		if r.Header.Get("If-None-Match") == etag {
			conditional = append(conditional, r.URL.Path)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		io.WriteString(w, `{}`)
	}))
	defer gh.Close()
	cache := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey("t")})
	client := &http.Client{Transport: cache.Transport(http.DefaultTransport)}
	read := func(path string) {
		resp, err := client.Get(gh.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	paths := []string{"/repos/octo/hello/issues/7", "/repos/octo/hello/issues/7/comments", "/repos/octo/hello/issues/8"}
	for _, p := range paths {
		read(p)
	}

	m := metrics.New()
	h, err := webhook.New(webhook.Options{
		Secret: []byte(docSecret),
		Dedup:  webhook.NewMemoryDeduper(0, 0, nil),
		Sink: webhook.SinkFunc(func(_ context.Context, e webhook.Event) {
			cache.Forget(e.StalePaths()...)
		}),
		Observe: m.WebhookDelivery,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rr := send(h, delivery{event: "issues", id: "d1", body: issuePayload, sign: true}); rr.Code != http.StatusAccepted {
		t.Fatalf("delivery: %d %s", rr.Code, rr.Body)
	}
	for _, p := range paths {
		read(p)
	}
	if want := []string{"/repos/octo/hello/issues/8"}; fmt.Sprint(conditional) != fmt.Sprint(want) {
		t.Errorf("conditional reads after the event: %v, want %v (issue 7 read in full)", conditional, want)
	}

	rr := httptest.NewRecorder()
	m.Handler().ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if want := `ghmcp_webhook_deliveries_total{event="issues",verdict="accepted"} 1`; !strings.Contains(rr.Body.String(), want) {
		t.Errorf("/metrics lacks %s", want)
	}
}
