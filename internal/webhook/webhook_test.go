package webhook_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ghmcp/ghmcp/internal/webhook"
)

// GitHub's documented example ("Validating webhook deliveries").
const (
	docSecret    = "It's a Secret to Everybody"
	docPayload   = "Hello, World!"
	docSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
)

func TestVerifyGitHubsExample(t *testing.T) {
	tests := []struct {
		name, secret, body, sig string
		want                    bool
	}{
		{"the documented signature verifies", docSecret, docPayload, docSignature, true},
		{"a tampered body does not", docSecret, docPayload + " ", docSignature, false},
		{"another secret does not", "It's a Secret to Somebody", docPayload, docSignature, false},
		{"a missing header does not", docSecret, docPayload, "", false},
		{"the SHA-1 header's prefix does not", docSecret, docPayload, strings.Replace(docSignature, "sha256=", "sha1=", 1), false},
		{"a truncated signature does not", docSecret, docPayload, docSignature[:len(docSignature)-2], false},
		{"upper-case hex is still the same bytes", docSecret, docPayload, "sha256=" + strings.ToUpper(strings.TrimPrefix(docSignature, "sha256=")), true},
		{"non-hex does not", docSecret, docPayload, "sha256=" + strings.Repeat("zz", 32), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := webhook.Verify([]byte(tt.secret), []byte(tt.body), tt.sig); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
	if got := webhook.Sign([]byte(docSecret), []byte(docPayload)); got != docSignature {
		t.Errorf("Sign = %s, want %s", got, docSignature)
	}
}

// recorder is a Sink and an Observer that keeps what it heard.
type recorder struct {
	mu       sync.Mutex
	events   []webhook.Event
	verdicts []string
}

func (r *recorder) Event(_ context.Context, e webhook.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) observe(event, verdict string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.verdicts = append(r.verdicts, event+" "+verdict)
}

type delivery struct {
	method, event, id, contentType, sig string
	body                                string
	sign                                bool // sign body with the test secret (sig ignored)
}

func newHandler(t *testing.T, rec *recorder, dedup webhook.Deduper, max int64) http.Handler {
	t.Helper()
	if dedup == nil {
		dedup = webhook.NewMemoryDeduper(0, 0, nil)
	}
	h, err := webhook.New(webhook.Options{Secret: []byte(docSecret), Dedup: dedup, Sink: rec, Observe: rec.observe, MaxBody: max})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func send(h http.Handler, d delivery) *httptest.ResponseRecorder {
	if d.method == "" {
		d.method = http.MethodPost
	}
	req := httptest.NewRequest(d.method, "/webhook", strings.NewReader(d.body))
	if d.event != "" {
		req.Header.Set("X-GitHub-Event", d.event)
	}
	if d.id != "" {
		req.Header.Set("X-GitHub-Delivery", d.id)
	}
	if d.contentType == "" {
		d.contentType = "application/json"
	}
	req.Header.Set("Content-Type", d.contentType)
	sig := d.sig
	if d.sign {
		sig = webhook.Sign([]byte(docSecret), []byte(d.body))
	}
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	return rr
}

const issuePayload = `{"action":"edited","issue":{"number":7,"title":"x"},"repository":{"full_name":"octo/hello"}}`

func TestHandler(t *testing.T) {
	tests := []struct {
		name       string
		d          delivery
		wantStatus int
		wantEvents []webhook.Event
		verdict    string
	}{
		{
			name:       "a signed issues event reaches the sink with its issue",
			d:          delivery{event: "issues", id: "d1", body: issuePayload, sign: true},
			wantStatus: http.StatusAccepted,
			wantEvents: []webhook.Event{{Type: "issues", Action: "edited", Delivery: "d1", Repo: "octo/hello", Number: 7}},
			verdict:    "issues accepted",
		},
		{
			name:       "a missing signature is refused and nothing is processed",
			d:          delivery{event: "issues", id: "d1", body: issuePayload},
			wantStatus: http.StatusUnauthorized,
			verdict:    "unverified bad_signature",
		},
		{
			name:       "a tampered body is refused",
			d:          delivery{event: "issues", id: "d1", body: strings.Replace(issuePayload, "7", "8", 1), sig: webhook.Sign([]byte(docSecret), []byte(issuePayload))},
			wantStatus: http.StatusUnauthorized,
			verdict:    "unverified bad_signature",
		},
		{
			name:       "a body signed with another secret is refused",
			d:          delivery{event: "issues", id: "d1", body: issuePayload, sig: webhook.Sign([]byte("guess"), []byte(issuePayload))},
			wantStatus: http.StatusUnauthorized,
			verdict:    "unverified bad_signature",
		},
		{
			name:       "an unsigned body that is not JSON is refused for its signature, not parsed",
			d:          delivery{event: "issues", id: "d1", body: docPayload, sig: "sha256=00"},
			wantStatus: http.StatusUnauthorized,
			verdict:    "unverified bad_signature",
		},
		{
			name:       "a ping is acknowledged and not passed on",
			d:          delivery{event: "ping", id: "p1", body: `{"zen":"Keep it logically awesome.","hook_id":1}`, sign: true},
			wantStatus: http.StatusOK,
			verdict:    "ping ping",
		},
		{
			name:       "GitHub's documented example, signed but not JSON, is a bad request after verification",
			d:          delivery{event: "issues", id: "d1", body: docPayload, sig: docSignature},
			wantStatus: http.StatusBadRequest,
			verdict:    "issues bad_request",
		},
		{
			name:       "a signed delivery without its id is a bad request",
			d:          delivery{event: "issues", body: issuePayload, sign: true},
			wantStatus: http.StatusBadRequest,
			verdict:    "unverified bad_request",
		},
		{
			name:       "a GET is not a delivery",
			d:          delivery{method: http.MethodGet},
			wantStatus: http.StatusMethodNotAllowed,
		},
		{
			name:       "a pull request review carries the pull request's number",
			d:          delivery{event: "pull_request_review", id: "d2", body: `{"action":"submitted","review":{"id":1},"pull_request":{"number":42},"repository":{"full_name":"octo/hello"}}`, sign: true},
			wantStatus: http.StatusAccepted,
			wantEvents: []webhook.Event{{Type: "pull_request_review", Action: "submitted", Delivery: "d2", Repo: "octo/hello", Number: 42}},
			verdict:    "pull_request_review accepted",
		},
		{
			name:       "a comment on an issue carries the issue's number",
			d:          delivery{event: "issue_comment", id: "d3", body: `{"action":"created","issue":{"number":3},"comment":{"id":9},"repository":{"full_name":"octo/hello"}}`, sign: true},
			wantStatus: http.StatusAccepted,
			wantEvents: []webhook.Event{{Type: "issue_comment", Action: "created", Delivery: "d3", Repo: "octo/hello", Number: 3}},
			verdict:    "issue_comment accepted",
		},
		{
			name:       "a push has a repository and no number",
			d:          delivery{event: "push", id: "d4", body: `{"ref":"refs/heads/main","number":5,"repository":{"full_name":"octo/hello"}}`, sign: true},
			wantStatus: http.StatusAccepted,
			wantEvents: []webhook.Event{{Type: "push", Delivery: "d4", Repo: "octo/hello"}},
			verdict:    "push accepted",
		},
		{
			name: "a form-encoded delivery is verified over the form and parsed from its payload field",
			d: delivery{event: "issues", id: "d5", contentType: "application/x-www-form-urlencoded",
				body: "payload=" + url.QueryEscape(issuePayload), sign: true},
			wantStatus: http.StatusAccepted,
			wantEvents: []webhook.Event{{Type: "issues", Action: "edited", Delivery: "d5", Repo: "octo/hello", Number: 7}},
			verdict:    "issues accepted",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			rr := send(newHandler(t, rec, nil, 0), tt.d)
			if rr.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d (%s)", rr.Code, tt.wantStatus, rr.Body)
			}
			if diff := cmp.Diff(tt.wantEvents, rec.events, cmpopts.IgnoreFields(webhook.Event{}, "Payload")); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			var want []string
			if tt.verdict != "" {
				want = []string{tt.verdict}
			}
			if diff := cmp.Diff(want, rec.verdicts); diff != "" {
				t.Errorf("verdicts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHandlerProcessesAReplayedDeliveryOnce(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, rec, nil, 0)
	d := delivery{event: "issues", id: "72d3162e-cc78-11e3-81ab-4c9367dc0958", body: issuePayload, sign: true}
	var codes []int
	for range 3 {
		codes = append(codes, send(h, d).Code)
	}
	if diff := cmp.Diff([]int{202, 200, 200}, codes); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if len(rec.events) != 1 {
		t.Errorf("sink heard %d events, want 1", len(rec.events))
	}
	if diff := cmp.Diff([]string{"issues accepted", "issues duplicate", "issues duplicate"}, rec.verdicts); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
}

// An unsigned delivery never reaches the deduper: a forger cannot burn a
// real delivery's id before it arrives.
func TestHandlerRecordsOnlyVerifiedDeliveries(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, rec, nil, 0)
	forged := delivery{event: "issues", id: "real-id", body: issuePayload, sig: "sha256=" + strings.Repeat("ab", 32)}
	if code := send(h, forged).Code; code != 401 {
		t.Fatalf("forged: %d, want 401", code)
	}
	real := forged
	real.sig, real.sign = "", true
	if code := send(h, real).Code; code != 202 {
		t.Errorf("real delivery after a forged one with its id: %d, want 202", code)
	}
}

func TestHandlerRefusesAnOversizedBody(t *testing.T) {
	big := `{"pad":"` + strings.Repeat("x", 100) + `"}`
	tests := []struct {
		name   string
		max    int64
		body   string
		status int
	}{
		{"a body at the cap is read", int64(len(big)), big, http.StatusAccepted},
		{"a byte over the cap is refused", int64(len(big)) - 1, big, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			rr := send(newHandler(t, rec, nil, tt.max), delivery{event: "issues", id: "big", body: tt.body, sign: true})
			if rr.Code != tt.status {
				t.Errorf("status = %d, want %d", rr.Code, tt.status)
			}
		})
	}

	// With GitHub's own cap, and no Content-Length to go by (chunked).
	rec := &recorder{}
	h := newHandler(t, rec, nil, 0)
	body := strings.Repeat("x", webhook.MaxBody+1)
	req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(body))
	req.ContentLength = -1
	req.Header.Set("X-GitHub-Event", "issues")
	req.Header.Set("X-GitHub-Delivery", "huge")
	req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(docSecret), []byte(body)))
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	if rr.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("25 MB + 1 byte: status = %d, want 413", rr.Code)
	}
	if len(rec.events) != 0 || len(rec.verdicts) != 1 || rec.verdicts[0] != "unverified too_large" {
		t.Errorf("events %v, verdicts %v; want none and one too_large", rec.events, rec.verdicts)
	}
}

type failingDeduper struct{}

func (failingDeduper) First(context.Context, string) (bool, error) {
	return false, errors.New("redis: connection refused")
}

// When the deduper cannot say, the delivery is not processed and GitHub
// is told to try again later.
func TestHandlerAnswers503WhenTheDeduperFails(t *testing.T) {
	rec := &recorder{}
	rr := send(newHandler(t, rec, failingDeduper{}, 0), delivery{event: "issues", id: "d1", body: issuePayload, sign: true})
	if rr.Code != http.StatusServiceUnavailable || len(rec.events) != 0 {
		t.Errorf("status %d, %d events; want 503 and none", rr.Code, len(rec.events))
	}
}

func TestNewNamesWhatIsMissing(t *testing.T) {
	d, s := webhook.NewMemoryDeduper(0, 0, nil), &recorder{}
	for _, tt := range []struct {
		name string
		opts webhook.Options
		want string
	}{
		{"no secret", webhook.Options{Dedup: d, Sink: s}, "secret"},
		{"no deduper", webhook.Options{Secret: []byte("s"), Sink: s}, "Dedup"},
		{"no sink", webhook.Options{Secret: []byte("s"), Dedup: d}, "Sink"},
	} {
		if _, err := webhook.New(tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one naming %s", tt.name, err, tt.want)
		}
	}
}

func TestStalePaths(t *testing.T) {
	tests := []struct {
		name string
		e    webhook.Event
		want []string
	}{
		{"an issue event names the issue and the pull of its number", webhook.Event{Type: "issues", Repo: "octo/hello", Number: 7},
			[]string{"/repos/octo/hello/issues/7", "/repos/octo/hello/pulls/7"}},
		{"a push names the repository", webhook.Event{Type: "push", Repo: "octo/hello"}, []string{"/repos/octo/hello"}},
		{"an event without a repository names nothing", webhook.Event{Type: "installation"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.e.StalePaths()); diff != "" {
				t.Errorf("StalePaths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFanoutHandsEachEventToEverySinkInOrder(t *testing.T) {
	var got []string
	sink := func(name string) webhook.Sink {
		return webhook.SinkFunc(func(_ context.Context, e webhook.Event) { got = append(got, name+" "+e.Delivery) })
	}
	webhook.Fanout(sink("cache"), sink("subscriptions")).Event(context.Background(), webhook.Event{Delivery: "d1"})
	if diff := cmp.Diff([]string{"cache d1", "subscriptions d1"}, got); diff != "" {
		t.Errorf("sinks heard (-want +got):\n%s", diff)
	}
}
