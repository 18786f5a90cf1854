package mcpserver

import (
	"context"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// subscriptions records, for every transport, which sessions subscribed to
// which resource URIs (resources/subscribe), so that ResourceUpdated can
// tell them. mcp-go records a subscription only on a session that
// implements server.SessionWithResourceSubscriptions, which its own
// Streamable HTTP session does not; hooks see every session.
type subscriptions struct {
	mu    sync.Mutex
	byURI map[string]map[string]bool // uri → session ids
}

func newSubscriptions() *subscriptions {
	return &subscriptions{byURI: map[string]map[string]bool{}}
}

// hooks records subscribe and unsubscribe, and forgets a session that ends.
func (s *subscriptions) hooks(h *server.Hooks) {
	h.AddAfterSubscribe(func(ctx context.Context, _ any, req *mcp.SubscribeRequest, _ *mcp.EmptyResult) {
		if sess := server.ClientSessionFromContext(ctx); sess != nil && sess.SessionID() != "" {
			s.add(req.Params.URI, sess.SessionID())
		}
	})
	h.AddAfterUnsubscribe(func(ctx context.Context, _ any, req *mcp.UnsubscribeRequest, _ *mcp.EmptyResult) {
		if sess := server.ClientSessionFromContext(ctx); sess != nil {
			s.remove(req.Params.URI, sess.SessionID())
		}
	})
	h.AddOnUnregisterSession(func(_ context.Context, sess server.ClientSession) {
		s.drop(sess.SessionID())
	})
}

func (s *subscriptions) add(uri, session string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byURI[uri] == nil {
		s.byURI[uri] = map[string]bool{}
	}
	s.byURI[uri][session] = true
}

func (s *subscriptions) remove(uri, session string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byURI[uri], session)
	if len(s.byURI[uri]) == 0 {
		delete(s.byURI, uri)
	}
}

func (s *subscriptions) drop(session string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for uri, set := range s.byURI {
		delete(set, session)
		if len(set) == 0 {
			delete(s.byURI, uri)
		}
	}
}

func (s *subscriptions) sessions(uri string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.byURI[uri]))
	for id := range s.byURI[uri] {
		out = append(out, id)
	}
	return out
}

// ResourceUpdated sends notifications/resources/updated for uri to every
// session subscribed to it, and returns how many were told. A session
// whose queue is full misses it (mcp-go drops rather than block).
func (s *Server) ResourceUpdated(uri string) int {
	n := 0
	for _, id := range s.subs.sessions(uri) {
		if s.SendNotificationToSpecificClient(id, mcp.MethodNotificationResourceUpdated, map[string]any{"uri": uri}) == nil {
			n++
		}
	}
	return n
}
