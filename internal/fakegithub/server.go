// Package fakegithub is an in-memory, stateful fake of the parts of the
// GitHub REST API that ghmcp talks to.
//
// It is meant for tests: unit tests mount it in an httptest server (or call
// ServeHTTP directly), end-to-end transcripts start it on 127.0.0.1 with
// Start and drive it with Command. Besides answering like GitHub (same JSON
// shapes, same error bodies, same rate-limit headers) it can misbehave on
// purpose: injected faults, exhausted budgets and secondary limits let tests
// prove that the client retries, waits and never duplicates a write.
//
// Every method is safe for concurrent use.
package fakegithub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// apiURL is the base of every URL the fake puts in a response body: not
// the fake's own address, so that bodies look (and weigh, to a byte per
// URL) like GitHub's, but on a reserved .test host, so that nothing in the
// tests points at the real API.
const apiURL = "https://api.github.test"

// webURL is the base of every html_url.
const webURL = "https://github.com"

// Server is a fake GitHub. Build it with New; it is an http.Handler.
type Server struct {
	// Now is the clock used for timestamps, rate-limit windows and write
	// gaps. It defaults to time.Now. Set it before the server handles its
	// first request (or pass WithClock to New); the function itself must
	// be safe for concurrent use.
	Now func() time.Time

	token string
	mux   *http.ServeMux

	mu          sync.Mutex
	viewer      string            // login of the token's owner
	users       map[string]string // lower-case login -> login, for users that exist
	accountIDs  map[string]int    // lower-case login -> id, for users and organisations
	repos       map[string]*repoState
	nextID      int // shared id sequence for repos, issues, labels and milestones
	log         []Request
	faults      []*queuedFault
	limits      Limits
	rates       map[string]*rateState
	stats       Stats
	inFlight    int
	lastWrite   time.Time
	recentWrite []time.Time // accepted writes in the last minute, oldest first
	applied     map[string]bool
	actionsData actionsState         // workflows, runs and jobs (actions.go)
	collabs     collabState          // collaborators and invitations (collaborators.go)
	pulls       map[string]*pullRepo // branches and pull requests by repoKey (pulls.go)
	extra       extraState           // sub-issues, trees, notifications, alerts (state_extra.go)
	apps        appState             // GitHub App installations and their tokens (apps.go)

	ts *httptest.Server
}

// Option configures a Server in New.
type Option func(*Server)

// WithClock makes the server read time from now instead of time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.Now = now }
}

// New returns a fake GitHub that accepts the given token, sent as
// "Authorization: Bearer <token>" or "Authorization: token <token>". An empty
// token turns authentication off: every request is accepted. The token's user
// (the viewer) is "octocat" until SetViewer changes it.
func New(token string, opts ...Option) *Server {
	s := &Server{
		Now:        time.Now,
		token:      token,
		users:      map[string]string{},
		accountIDs: map[string]int{},
		repos:      map[string]*repoState{},
		rates:      map[string]*rateState{},
		applied:    map[string]bool{},
	}
	for _, opt := range opts {
		opt(s)
	}
	s.mux = s.routes()
	s.setViewer("octocat")
	return s
}

// Request is one request as the fake received it.
type Request struct {
	Method  string
	Path    string // unescaped path, e.g. "/repos/o/r"
	RawPath string // path as sent on the wire, still escaped
	Query   string // raw query, without "?"
	Body    []byte
	Header  http.Header
	Time    time.Time
}

// Stats counts what the server has seen since it was built.
type Stats struct {
	Requests            int // every request received, whatever the answer
	Writes              int // POST, PATCH, PUT and DELETE requests that reached a handler
	SecondaryRejections int // requests refused by a secondary limit (see SetLimits)
	PrimaryRejections   int // requests refused because their resource's budget was spent
	NotModified         int // conditional GETs answered 304
	MaxInFlight         int // most requests handled at the same time
	DuplicateWrites     int // successful writes with the same method, path and body as an earlier one
}

// Start serves the fake on a fresh 127.0.0.1 port and returns its base URL
// with a trailing slash, e.g. "http://127.0.0.1:1234/". Calling it again
// returns the same URL.
func (s *Server) Start() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ts == nil {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic("fakegithub: cannot listen on 127.0.0.1: " + err.Error())
		}
		s.ts = httptest.NewUnstartedServer(s)
		s.ts.Listener.Close()
		s.ts.Listener = l
		s.ts.Start()
	}
	return s.ts.URL + "/"
}

// Close stops the server started by Start, cutting off requests still in
// flight (delayed ones included). It is a no-op if Start was never called.
func (s *Server) Close() {
	s.mu.Lock()
	ts := s.ts
	s.ts = nil
	s.mu.Unlock()
	if ts != nil {
		ts.CloseClientConnections()
		ts.Close()
	}
}

// Requests returns a copy of the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		r.Body = bytes.Clone(r.Body)
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// ResetLog empties the request log. Stats are kept.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ServeHTTP answers one request. The steps, in order: log it, check the
// credentials, refuse it if too many requests are in flight, apply an
// injected fault (delay, error or dropped connection), then — atomically —
// check the write limits and the rate budget, run the endpoint, and account
// for the result (ETag and 304, budget, duplicate writes).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		// The client went away mid-body; there is nobody to answer.
		return
	}
	crowded := s.enter(r, body)
	// The request leaves the in-flight count when its answer starts: a
	// client may read a large answer and send its next request before this
	// handler returns, and that is not two requests at once.
	left := false
	leave := func() {
		if !left {
			left = true
			s.leave()
		}
	}
	defer leave()
	w = &leavingWriter{ResponseWriter: w, leave: leave}

	if resp := s.serveApp(r); resp != nil {
		s.send(w, r, resp)
		return
	}
	if !s.authorized(r) {
		s.send(w, r, errorResponse(http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest"))
		return
	}
	if crowded {
		s.mu.Lock()
		s.stats.SecondaryRejections++
		s.mu.Unlock()
		s.send(w, r, secondaryLimitResponse())
		return
	}

	f := s.takeFault(r)
	if f != nil && f.Delay > 0 && !sleep(r.Context(), f.Delay) {
		return
	}
	if f == nil || !f.fails() {
		s.send(w, r, s.serve(r, body))
		return
	}
	if f.AfterApply {
		s.serve(r, body) // the write lands, the answer is lost
	}
	s.fail(w, r, f)
}

// leavingWriter calls leave before the first byte of the answer.
type leavingWriter struct {
	http.ResponseWriter
	leave func()
}

func (l *leavingWriter) WriteHeader(code int) {
	l.leave()
	l.ResponseWriter.WriteHeader(code)
}

func (l *leavingWriter) Write(b []byte) (int, error) {
	l.leave()
	return l.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (a fault that
// drops it hijacks it).
func (l *leavingWriter) Unwrap() http.ResponseWriter { return l.ResponseWriter }

// Flush passes a flush on (the job log download streams).
func (l *leavingWriter) Flush() {
	if f, ok := l.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// enter logs the request, counts it as in flight, and reports whether that
// exceeds the MaxConcurrent limit.
func (s *Server) enter(r *http.Request, body []byte) (crowded bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rawPath := r.URL.EscapedPath()
	if r.RequestURI != "" && strings.HasPrefix(r.RequestURI, "/") {
		rawPath, _, _ = strings.Cut(r.RequestURI, "?")
	}
	s.log = append(s.log, Request{
		Method:  r.Method,
		Path:    r.URL.Path,
		RawPath: rawPath,
		Query:   r.URL.RawQuery,
		Body:    body,
		Header:  r.Header.Clone(),
		Time:    s.now(),
	})
	s.stats.Requests++
	s.inFlight++
	s.stats.MaxInFlight = max(s.stats.MaxInFlight, s.inFlight)
	return s.limits.MaxConcurrent > 0 && s.inFlight > s.limits.MaxConcurrent
}

// leave marks the request as no longer in flight.
func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}

// authorized reports whether r carries the server's token.
func (s *Server) authorized(r *http.Request) bool {
	if s.token == "" {
		return true
	}
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || (!strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "token")) {
		return false
	}
	cred = strings.TrimSpace(cred)
	s.mu.Lock()
	app := s.appTokenValid(cred)
	s.mu.Unlock()
	return cred == s.token || app
}

// serve checks the write limits and the rate budget, runs the endpoint and
// does the accounting, all under one lock so that concurrent requests see a
// consistent state and a refused request changes nothing.
func (s *Server) serve(r *http.Request, body []byte) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	resource := resourceOf(r.URL.Path)
	write := isWrite(r.Method) && !isGraphQLQuery(r, body)

	if write && s.writeRefused(now) {
		s.stats.SecondaryRejections++
		return s.withRateHeaders(secondaryLimitResponse(), resource, now)
	}
	// GitHub does not charge for asking how much budget is left.
	counted := r.URL.Path != "/rate_limit"
	if counted && s.rate(resource, now).remaining <= 0 {
		s.stats.PrimaryRejections++
		return s.withRateHeaders(primaryLimitResponse(), resource, now)
	}

	rec := httptest.NewRecorder()
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.mux.ServeHTTP(rec, r)
	resp := &response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}

	if write {
		s.recordWrite(now, r, body, resp.status)
	}
	if r.Method == http.MethodGet && resp.status == http.StatusOK {
		etag := etagOf(resp.body)
		resp.header.Set("ETag", etag)
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			// GitHub's rule: a 304 does not count against the budget.
			s.stats.NotModified++
			counted = false
			resp = &response{status: http.StatusNotModified, header: http.Header{"Etag": {etag}}}
		}
	}
	if counted {
		s.rate(resource, now).remaining--
	}
	return s.withRateHeaders(resp, resource, now)
}

// send writes resp, adding the rate headers of r's resource if resp has none.
func (s *Server) send(w http.ResponseWriter, r *http.Request, resp *response) {
	if resp.header.Get("X-RateLimit-Resource") == "" {
		s.mu.Lock()
		s.withRateHeaders(resp, resourceOf(r.URL.Path), s.now())
		s.mu.Unlock()
	}
	h := w.Header()
	for k, v := range resp.header {
		h[k] = v
	}
	w.WriteHeader(resp.status)
	if len(resp.body) > 0 {
		w.Write(resp.body)
	}
}

// now reads the server's clock.
func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// response is an answer computed under the lock and written after it.
type response struct {
	status int
	header http.Header
	body   []byte
}

// jsonHeader returns the headers GitHub sends with every JSON body.
func jsonHeader() http.Header {
	return http.Header{
		"Content-Type":                  {"application/json; charset=utf-8"},
		"X-Github-Media-Type":           {"github.v3; format=json"},
		"X-Github-Api-Version-Selected": {"2022-11-28"},
	}
}

// errorBody is GitHub's error document.
type errorBody struct {
	Message          string            `json:"message"`
	Errors           []validationError `json:"errors,omitempty"`
	DocumentationURL string            `json:"documentation_url"`
	Status           string            `json:"status,omitempty"`
}

// validationError is one entry of a 422's "errors" list.
type validationError struct {
	Resource string `json:"resource"`
	Field    string `json:"field"`
	Code     string `json:"code"`
	Value    any    `json:"value,omitempty"`
}

// errorResponse builds a GitHub error answer, with the status repeated as a
// string in the body as GitHub does nowadays.
func errorResponse(status int, message, docURL string) *response {
	return &response{
		status: status,
		header: jsonHeader(),
		body: mustJSON(errorBody{
			Message:          message,
			DocumentationURL: docURL,
			Status:           strconv.Itoa(status),
		}),
	}
}

// writeError writes a GitHub error answer from a handler.
func writeError(w http.ResponseWriter, status int, message, docURL string) {
	writeResponse(w, errorResponse(status, message, docURL))
}

// writeJSON writes v as a JSON answer from a handler.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeResponse(w, &response{status: status, header: jsonHeader(), body: mustJSON(v)})
}

// writeResponse copies resp to w.
func writeResponse(w http.ResponseWriter, resp *response) {
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.status)
	w.Write(resp.body)
}

// mustJSON encodes v compactly, like GitHub. Only the fake's own types are
// encoded, so an error is a bug in the fake.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("fakegithub: " + err.Error())
	}
	return b
}

// sleep waits for d or until ctx ends, and reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// isWrite reports whether method changes state on GitHub.
func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// etagOf returns the weak ETag GitHub-style for a response body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + hex.EncodeToString(sum[:]) + `"`
}

// etagMatches reports whether an If-None-Match header names etag. The
// comparison is weak, as RFC 9110 requires for If-None-Match.
func etagMatches(ifNoneMatch, etag string) bool {
	for _, candidate := range strings.Split(ifNoneMatch, ",") {
		candidate = strings.TrimSpace(candidate)
		if candidate == "*" || strings.TrimPrefix(candidate, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// decodeJSONBody decodes a JSON request body into v, writing GitHub's
// answer when it cannot: 422 naming the property of a wrong type, 400 when
// the body is not JSON.
func decodeJSONBody(w http.ResponseWriter, r *http.Request, doc string, v any) bool {
	err := json.NewDecoder(r.Body).Decode(v)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return true
	case errors.As(err, &typeErr):
		writeError(w, http.StatusUnprocessableEntity,
			fmt.Sprintf("Invalid request.\n\nFor 'properties/%s', the value is not a valid %s.", typeErr.Field, typeErr.Type), doc)
	default:
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", doc)
	}
	return false
}
