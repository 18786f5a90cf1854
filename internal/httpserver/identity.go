package httpserver

import (
	"container/list"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/mcpserver"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// identities answers "who is calling, as which GitHub identity" for each
// request to /mcp, and keeps one served backend per identity: the shared
// one (operator's secret) or a bounded pool keyed by token fingerprint.
type identities struct {
	opts   Options
	secret [sha256.Size]byte // of Options.Secret, compared in constant time
	shared *served

	mu       sync.Mutex
	byKey    map[string]*list.Element // fingerprint → element of lru (*served)
	lru      *list.List               // front: most recently used
	building map[string]chan struct{} // fingerprint → closed when its backend is built
}

// served is a Backend with the mcp-go HTTP server in front of it.
type served struct {
	key     string
	backend *Backend
	http    *server.StreamableHTTPServer

	// users counts the requests being served; an evicted backend is closed
	// when the last one ends, never under a request that still uses it.
	users   int  // guarded by identities.mu
	evicted bool // guarded by identities.mu
}

func newIdentities(opts Options) *identities {
	if opts.MaxIdentities <= 0 {
		opts.MaxIdentities = 256
	}
	ids := &identities{opts: opts, byKey: map[string]*list.Element{}, lru: list.New(), building: map[string]chan struct{}{}}
	if opts.Secret != nil {
		ids.secret = sha256.Sum256(opts.Secret)
		ids.shared = ids.serve1("shared", opts.Shared)
	}
	return ids
}

func (ids *identities) serve1(key string, b *Backend) *served {
	return &served{key: key, backend: b, http: server.NewStreamableHTTPServer(b.Server.MCPServer,
		server.WithStateful(true),
		server.WithSessionIdleTTL(ids.opts.SessionIdleTTL),
		// guard checks Host and Origin for every listener, with the
		// operator's allowances, before this runs.
		server.WithDisableLocalhostProtection(true),
		server.WithStreamableHTTPLogger(ids.opts.Logger),
	)}
}

// serve authenticates the request and hands it to its identity's server.
func (ids *identities) serve(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(mcpserver.LifecycleByTransport(r.Context()))
	token, ok := bearer(r)
	if !ok {
		unauthorized(w, "send Authorization: Bearer <token>")
		return
	}
	if ids.shared != nil {
		sum := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare(sum[:], ids.secret[:]) != 1 {
			unauthorized(w, "the bearer token is not this server's")
			return
		}
		serveCoded(ids.shared.http, w, r)
		return
	}
	if redact.CheckToken(token) != nil {
		unauthorized(w, "the bearer token is not a GitHub token")
		return
	}
	s, err := ids.get(token)
	if err != nil {
		ids.opts.Logger.Error("could not serve a client's identity", "error", err)
		http.Error(w, "could not set up this identity; see the server's log", http.StatusInternalServerError)
		return
	}
	defer ids.release(s)
	serveCoded(s.http, w, r)
}

// get returns the served backend of token, counting the caller as a user
// (release when done), building it on first use and evicting the least
// recently used beyond the bound. A backend is built outside the lock (it
// may dial Redis); concurrent first requests of one token wait for it.
func (ids *identities) get(token string) (*served, error) {
	key := ratelimit.TokenKey(token)
	ids.mu.Lock()
	for {
		if el, ok := ids.byKey[key]; ok {
			ids.lru.MoveToFront(el)
			s := el.Value.(*served)
			s.users++
			ids.mu.Unlock()
			return s, nil
		}
		wait, ok := ids.building[key]
		if !ok {
			break
		}
		ids.mu.Unlock()
		<-wait
		ids.mu.Lock()
	}
	done := make(chan struct{})
	ids.building[key] = done
	ids.mu.Unlock()

	b, err := ids.opts.Factory(token)

	ids.mu.Lock()
	defer ids.mu.Unlock()
	delete(ids.building, key)
	close(done)
	if err != nil {
		return nil, err
	}
	s := ids.serve1(key, b)
	s.users++
	ids.byKey[key] = ids.lru.PushFront(s)
	for ids.lru.Len() > ids.opts.MaxIdentities {
		old := ids.lru.Remove(ids.lru.Back()).(*served)
		delete(ids.byKey, old.key)
		old.evicted = true
		if old.users == 0 {
			go old.close(context.Background())
		}
	}
	return s, nil
}

// release ends a request's use of s, closing it if it was evicted and
// this was its last user.
func (ids *identities) release(s *served) {
	ids.mu.Lock()
	s.users--
	last := s.evicted && s.users == 0
	ids.mu.Unlock()
	if last {
		go s.close(context.Background())
	}
}

// each calls f on every backend served now.
func (ids *identities) each(f func(*served)) {
	if ids.shared != nil {
		f(ids.shared)
	}
	ids.mu.Lock()
	all := make([]*served, 0, ids.lru.Len())
	for el := ids.lru.Front(); el != nil; el = el.Next() {
		all = append(all, el.Value.(*served))
	}
	ids.mu.Unlock()
	for _, s := range all {
		f(s)
	}
}

// close ends the backend's sessions and releases it.
func (s *served) close(ctx context.Context) {
	s.http.Shutdown(ctx)
	if s.backend.Close != nil {
		s.backend.Close()
	}
}

// bearer is the request's bearer token.
func bearer(r *http.Request) (string, bool) {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	cred = strings.TrimSpace(cred)
	return cred, ok && strings.EqualFold(scheme, "Bearer") && cred != ""
}

// unauthorized answers 401; the message never quotes what was sent.
func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="ghmcp"`)
	http.Error(w, "Unauthorized: "+msg, http.StatusUnauthorized)
}
