// Package webhook receives GitHub's webhook deliveries at POST /webhook and
// hands each verified, first-seen event to a Sink.
//
// A delivery passes, top to bottom:
//
//	method (POST, else 405) → body read, capped at MaxBody (else 413)
//	  → X-Hub-Signature-256 checked over the raw body, constant time (else 401)
//	  → ping? answered 200, nothing else done
//	  → payload parsed (else 400) → Deduper.First(X-GitHub-Delivery)
//	    (seen before: 200, nothing done) → Sink.Event → 202
//
// Nothing of a delivery is parsed, logged or counted under its own event
// name before its signature is verified: an unsigned request costs a read
// of at most MaxBody and an HMAC. Deliveries are processed once per
// X-GitHub-Delivery by a Deduper: MemoryDeduper for one process,
// redisdedup for every instance behind a load balancer.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// MaxBody is GitHub's cap on a delivery's payload: 25 MB.
const MaxBody = 25 << 20

// Verdicts, as Observer hears them and metrics label them.
const (
	VerdictAccepted     = "accepted"      // handed to the sink (202)
	VerdictPing         = "ping"          // a ping, acknowledged (200)
	VerdictDuplicate    = "duplicate"     // a delivery seen before (200)
	VerdictBadSignature = "bad_signature" // missing or wrong signature (401)
	VerdictTooLarge     = "too_large"     // body over MaxBody (413)
	VerdictBadRequest   = "bad_request"   // signed, but no delivery id, event or valid payload (400)
	VerdictError        = "error"         // the deduper failed (503): GitHub may redeliver
)

// EventUnverified is the event name reported for a delivery whose
// signature was not verified: its headers are not to be trusted.
const EventUnverified = "unverified"

// Event is a verified delivery.
type Event struct {
	// Type is X-GitHub-Event ("issues", "pull_request", "push", ...).
	Type string
	// Action is the payload's action ("opened", "edited", ...), if any.
	Action string
	// Delivery is X-GitHub-Delivery, the delivery's unique id.
	Delivery string
	// Repo is the repository's full name, "owner/name", if the event has one.
	Repo string
	// Number is the issue or pull request number for issues,
	// issue_comment, pull_request and pull_request_review* events; 0
	// otherwise.
	Number int
	// Payload is the raw JSON payload.
	Payload json.RawMessage
}

// StalePaths returns the REST paths whose cached reads e may have made
// stale, for ratelimit.Cache.Forget: an event on issue or pull request N
// drops issue N and pull N (a pull request is also an issue) with what
// lies beneath them; any other event of a repository drops the
// repository's reads; an event without a repository drops nothing.
func (e Event) StalePaths() []string {
	if e.Repo == "" {
		return nil
	}
	repo := "/repos/" + e.Repo
	if e.Number > 0 {
		n := strconv.Itoa(e.Number)
		return []string{repo + "/issues/" + n, repo + "/pulls/" + n}
	}
	return []string{repo}
}

// Sink receives each verified, first-seen event. Event runs before the
// delivery is answered (GitHub waits at most 10 s), so it must not block
// for long: hand slow work to a goroutine.
type Sink interface {
	Event(ctx context.Context, e Event)
}

// SinkFunc is a Sink made of a function.
type SinkFunc func(ctx context.Context, e Event)

// Event calls f.
func (f SinkFunc) Event(ctx context.Context, e Event) { f(ctx, e) }

// Fanout is a Sink that hands each event to every sink, in order: the
// cache first (so that a notified subscriber's read is a fresh one), then
// the subscriptions.
func Fanout(sinks ...Sink) Sink {
	return SinkFunc(func(ctx context.Context, e Event) {
		for _, s := range sinks {
			s.Event(ctx, e)
		}
	})
}

// Deduper remembers delivery ids, so that a delivery is processed once
// however often it arrives (GitHub's redelivery, a replay, the same
// delivery reaching two instances).
type Deduper interface {
	// First records id and reports whether it is the first time id was
	// seen, atomically: of concurrent calls with one id, one gets true.
	First(ctx context.Context, id string) (bool, error)
}

// Observer hears the verdict on each delivery, with its event name
// (EventUnverified before the signature is verified). It must not block.
type Observer func(event, verdict string)

// Options configures New.
type Options struct {
	// Secret is the webhook's secret; required.
	Secret []byte
	// Dedup remembers deliveries; required (NewMemoryDeduper for one process).
	Dedup Deduper
	// Sink receives the events; required.
	Sink Sink
	// Observe, if set, hears every verdict (metrics).
	Observe Observer
	// MaxBody caps the body; zero means MaxBody.
	MaxBody int64
	// Logger logs refused and failed deliveries; nil discards.
	Logger *slog.Logger
}

// Handler is the http.Handler for POST /webhook.
type Handler struct {
	secret  []byte
	dedup   Deduper
	sink    Sink
	observe Observer
	max     int64
	log     *slog.Logger
}

// New returns a Handler, or an error naming what Options lacks.
func New(opts Options) (*Handler, error) {
	switch {
	case len(opts.Secret) == 0:
		return nil, errors.New("webhook: a secret is required (--webhook-secret-file or GHMCP_WEBHOOK_SECRET)")
	case opts.Dedup == nil:
		return nil, errors.New("webhook: Options.Dedup is required")
	case opts.Sink == nil:
		return nil, errors.New("webhook: Options.Sink is required")
	}
	h := &Handler{secret: opts.Secret, dedup: opts.Dedup, sink: opts.Sink, observe: opts.Observe, max: opts.MaxBody, log: opts.Logger}
	if h.max <= 0 {
		h.max = MaxBody
	}
	if h.observe == nil {
		h.observe = func(string, string) {}
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h, nil
}

// ServeHTTP handles one delivery; see the package doc for the order.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "webhook deliveries are POSTed", http.StatusMethodNotAllowed)
		return
	}
	if r.ContentLength > h.max {
		h.refuse(w, EventUnverified, VerdictTooLarge, http.StatusRequestEntityTooLarge, "payload over the limit")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, h.max+1))
	if err != nil {
		h.refuse(w, EventUnverified, VerdictBadRequest, http.StatusBadRequest, "could not read the body")
		return
	}
	if int64(len(body)) > h.max {
		h.refuse(w, EventUnverified, VerdictTooLarge, http.StatusRequestEntityTooLarge, "payload over the limit")
		return
	}
	if !Verify(h.secret, body, r.Header.Get("X-Hub-Signature-256")) {
		h.refuse(w, EventUnverified, VerdictBadSignature, http.StatusUnauthorized, "missing or invalid X-Hub-Signature-256")
		return
	}

	// Signed by the holder of the secret from here on.
	typ, id := r.Header.Get("X-GitHub-Event"), r.Header.Get("X-GitHub-Delivery")
	if typ == "" || id == "" {
		h.refuse(w, EventUnverified, VerdictBadRequest, http.StatusBadRequest, "X-GitHub-Event and X-GitHub-Delivery are required")
		return
	}
	if typ == "ping" {
		h.observe(typ, VerdictPing)
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "pong\n")
		return
	}
	payload, err := payloadOf(r.Header.Get("Content-Type"), body)
	if err != nil {
		h.refuse(w, typ, VerdictBadRequest, http.StatusBadRequest, err.Error())
		return
	}
	e, err := parse(typ, id, payload)
	if err != nil {
		h.refuse(w, typ, VerdictBadRequest, http.StatusBadRequest, "payload is not a JSON object")
		return
	}
	first, err := h.dedup.First(r.Context(), id)
	if err != nil {
		h.log.Warn("webhook: could not record the delivery", "delivery", id, "event", typ, "error", err)
		h.refuse(w, typ, VerdictError, http.StatusServiceUnavailable, "could not record the delivery; redeliver it later")
		return
	}
	if !first {
		h.observe(typ, VerdictDuplicate)
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "already processed\n")
		return
	}
	h.sink.Event(r.Context(), e)
	h.observe(typ, VerdictAccepted)
	w.WriteHeader(http.StatusAccepted)
}

func (h *Handler) refuse(w http.ResponseWriter, event, verdict string, status int, msg string) {
	h.observe(event, verdict)
	h.log.Info("webhook: delivery refused", "event", event, "verdict", verdict, "status", status)
	http.Error(w, msg, status)
}

// Verify reports whether sig (X-Hub-Signature-256, "sha256=<hex>") is the
// HMAC-SHA256 of body under secret, comparing in constant time.
func Verify(secret, body []byte, sig string) bool {
	hexSig, ok := strings.CutPrefix(sig, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Sign returns the X-Hub-Signature-256 value of body under secret, for
// tests and tools that send deliveries.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// payloadOf returns the JSON payload of a body: the body itself, or the
// payload field of a form, GitHub's other content type.
func payloadOf(contentType string, body []byte) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "application/x-www-form-urlencoded" {
		return body, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		return nil, errors.New("form delivery without a payload field")
	}
	return []byte(form.Get("payload")), nil
}

// numbered are the events whose payload names an issue or pull request.
var numbered = map[string]string{
	"issues":                      "issue",
	"issue_comment":               "issue",
	"pull_request":                "pull_request",
	"pull_request_review":         "pull_request",
	"pull_request_review_comment": "pull_request",
	"pull_request_review_thread":  "pull_request",
}

func parse(typ, id string, payload []byte) (Event, error) {
	var p struct {
		Action     string `json:"action"`
		Repository *struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
		Issue *struct {
			Number int `json:"number"`
		} `json:"issue"`
		PullRequest *struct {
			Number int `json:"number"`
		} `json:"pull_request"`
		Number int `json:"number"`
	}
	if t := bytes.TrimSpace(payload); len(t) == 0 || t[0] != '{' {
		return Event{}, errors.New("not a JSON object")
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		return Event{}, err
	}
	e := Event{Type: typ, Action: p.Action, Delivery: id, Payload: json.RawMessage(payload)}
	if p.Repository != nil {
		e.Repo = p.Repository.FullName
	}
	switch numbered[typ] {
	case "issue":
		if p.Issue != nil {
			e.Number = p.Issue.Number
		}
	case "pull_request":
		if p.PullRequest != nil {
			e.Number = p.PullRequest.Number
		}
		if e.Number == 0 {
			e.Number = p.Number
		}
	}
	return e, nil
}
