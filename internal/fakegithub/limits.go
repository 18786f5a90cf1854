package fakegithub

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Primary limits: every resource has a budget of requests per window. Each
// counted request spends one unit; once the budget is spent requests are
// refused with 403 until the window resets and the budget refills.
// https://docs.github.com/rest/overview/rate-limits-for-the-rest-api

// rateDocURL is where GitHub's rate-limit errors point.
const rateDocURL = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"

// resourceDefaults lists the resources /rate_limit reports, in GitHub's
// order, with their default budget and window. Only core, search,
// code_search and graphql are ever spent by this fake.
var resourceDefaults = []struct {
	name   string
	limit  int
	window time.Duration
}{
	{"core", 5000, time.Hour},
	{"search", 30, time.Minute},
	{"graphql", 5000, time.Hour},
	{"integration_manifest", 5000, time.Hour},
	{"source_import", 100, time.Minute},
	{"code_scanning_upload", 1000, time.Hour},
	{"actions_runner_registration", 10000, time.Hour},
	{"scim", 15000, time.Hour},
	{"dependency_snapshots", 100, time.Minute},
	{"audit_log", 1750, time.Hour},
	{"audit_log_streaming", 15, time.Minute},
	{"code_search", 10, time.Minute},
	{"code_scanning_autofix", 10, time.Minute},
}

// rateState is one resource's budget.
type rateState struct {
	limit     int
	remaining int
	reset     time.Time
	window    time.Duration
}

// rate returns resource's budget at time now, refilling it if its window
// has reset. The caller holds s.mu.
func (s *Server) rate(resource string, now time.Time) *rateState {
	st := s.rates[resource]
	if st == nil {
		st = &rateState{limit: 5000, window: time.Hour}
		for _, d := range resourceDefaults {
			if d.name == resource {
				st.limit, st.window = d.limit, d.window
			}
		}
		s.rates[resource] = st
	}
	if !now.Before(st.reset) {
		st.remaining = st.limit
		st.reset = ceilSecond(now.Add(st.window))
	}
	return st
}

// SetRate sets a resource's budget ("core", "search", "code_search",
// "graphql", ...): its limit, what remains of it, and when it refills.
// reset is rounded up to a whole second, since the X-RateLimit-Reset header
// only has seconds; when it passes, the budget refills to limit for a new
// window (an hour for core and graphql, a minute for the search resources).
func (s *Server) SetRate(resource string, limit, remaining int, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	st := s.rate(resource, now)
	st.limit = limit
	st.remaining = min(remaining, limit)
	st.reset = ceilSecond(reset)
	if !now.Before(st.reset) {
		// A reset in the past refills at once, like GitHub would.
		s.rate(resource, now)
	}
}

// resourceOf names the budget a request path spends.
func resourceOf(path string) string {
	switch {
	case path == "/search/code" || strings.HasPrefix(path, "/search/code/"):
		return "code_search"
	case strings.HasPrefix(path, "/search/"):
		return "search"
	case path == "/graphql":
		return "graphql"
	}
	return "core"
}

// withRateHeaders adds resource's X-RateLimit-* headers to resp, as GitHub
// does on every answer. The caller holds s.mu.
func (s *Server) withRateHeaders(resp *response, resource string, now time.Time) *response {
	st := s.rate(resource, now)
	if resp.header == nil {
		resp.header = http.Header{}
	}
	resp.header.Set("X-RateLimit-Limit", strconv.Itoa(st.limit))
	resp.header.Set("X-RateLimit-Remaining", strconv.Itoa(st.remaining))
	resp.header.Set("X-RateLimit-Used", strconv.Itoa(st.limit-st.remaining))
	resp.header.Set("X-RateLimit-Reset", strconv.FormatInt(st.reset.Unix(), 10))
	resp.header.Set("X-RateLimit-Resource", resource)
	return resp
}

// primaryLimitResponse is GitHub's answer once a budget is spent.
// go-github recognises it by the 403 with X-RateLimit-Remaining: 0.
func primaryLimitResponse() *response {
	return &response{
		status: http.StatusForbidden,
		header: jsonHeader(),
		body: mustJSON(errorBody{
			Message:          "API rate limit exceeded for user ID 1.",
			DocumentationURL: rateDocURL,
		}),
	}
}

// rateJSON is one resource in GET /rate_limit.
type rateJSON struct {
	Limit     int   `json:"limit"`
	Remaining int   `json:"remaining"`
	Reset     int64 `json:"reset"`
	Used      int   `json:"used"`
}

// getRateLimit serves GET /rate_limit. It does not spend any budget.
// https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user
func (s *Server) getRateLimit(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	entry := func(name string) rateJSON {
		st := s.rate(name, now)
		return rateJSON{Limit: st.limit, Remaining: st.remaining, Reset: st.reset.Unix(), Used: st.limit - st.remaining}
	}
	// Built by hand to keep GitHub's key order, which a map would lose.
	var b bytes.Buffer
	b.WriteString(`{"resources":{`)
	for i, d := range resourceDefaults {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(d.name)
		b.Write(name)
		b.WriteByte(':')
		b.Write(mustJSON(entry(d.name)))
	}
	b.WriteString(`},"rate":`)
	b.Write(mustJSON(entry("core")))
	b.WriteString(`}`)
	writeResponse(w, &response{status: http.StatusOK, header: jsonHeader(), body: b.Bytes()})
}

// ceilSecond rounds t up to a whole second.
func ceilSecond(t time.Time) time.Time {
	if down := t.Truncate(time.Second); !down.Equal(t) {
		return down.Add(time.Second)
	}
	return t
}

// Secondary limits: GitHub also refuses bursts — too many requests at once,
// writes too close together, too many writes a minute — with a 403 that
// carries Retry-After.
// https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits

// Limits configures the secondary limits. A zero field is not enforced.
type Limits struct {
	MaxConcurrent   int           // most requests in flight at once
	MinWriteGap     time.Duration // least time between two accepted writes
	WritesPerMinute int           // most accepted writes in any sliding minute
}

// SetLimits replaces the secondary limits.
func (s *Server) SetLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = l
}

// secondaryLimitResponse is GitHub's answer to a burst. go-github recognises
// it by the documentation_url suffix and reads Retry-After.
func secondaryLimitResponse() *response {
	h := jsonHeader()
	h.Set("Retry-After", "60")
	return &response{
		status: http.StatusForbidden,
		header: h,
		body: mustJSON(errorBody{
			Message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
				"If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.",
			DocumentationURL: rateDocURL + "#about-secondary-rate-limits",
		}),
	}
}

// writeRefused reports whether a write arriving at now breaks the gap or
// per-minute limit. The caller holds s.mu.
func (s *Server) writeRefused(now time.Time) bool {
	if gap := s.limits.MinWriteGap; gap > 0 && !s.lastWrite.IsZero() && now.Sub(s.lastWrite) < gap {
		return true
	}
	// Forget writes that have left the sliding minute.
	keep := 0
	for keep < len(s.recentWrite) && !s.recentWrite[keep].After(now.Add(-time.Minute)) {
		keep++
	}
	s.recentWrite = s.recentWrite[keep:]
	return s.limits.WritesPerMinute > 0 && len(s.recentWrite) >= s.limits.WritesPerMinute
}

// recordWrite accounts for a write that reached a handler and answered
// status. The caller holds s.mu.
func (s *Server) recordWrite(now time.Time, r *http.Request, body []byte, status int) {
	s.stats.Writes++
	s.lastWrite = now
	s.recentWrite = append(s.recentWrite, now)
	if status < 200 || status > 299 {
		return
	}
	key := r.Method + " " + r.URL.Path + " " + string(canonicalJSON(body))
	if s.applied[key] {
		s.stats.DuplicateWrites++
	}
	s.applied[key] = true
}

// canonicalJSON re-encodes a JSON body with sorted keys and no spaces, so
// that two encodings of the same write compare equal. Other bodies are
// returned unchanged.
func canonicalJSON(body []byte) []byte {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	b, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return b
}
