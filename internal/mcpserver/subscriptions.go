package mcpserver

import (
	"context"
	"slices"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// subscriptions records, for every transport, which sessions subscribed to
// which resource URIs (resources/subscribe), so that ResourceUpdated can
// tell them. mcp-go records a subscription only on a session that
// implements server.SessionWithResourceSubscriptions, which its own
// Streamable HTTP session does not; hooks see every session.
//
// At 2026-07-28 there is no session and no resources/subscribe: a client
// holds a subscriptions/listen request open with the URIs it wants, and
// the notifications go on that request's stream, for as long as it lasts.
type subscriptions struct {
	mu     sync.Mutex
	byURI  map[string]map[string]bool // uri → session ids
	listen map[server.ClientSession][]string
}

func newSubscriptions() *subscriptions {
	return &subscriptions{byURI: map[string]map[string]bool{}, listen: map[server.ClientSession][]string{}}
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
	h.AddBeforeSubscriptionsListen(func(ctx context.Context, _ any, req *mcp.SubscriptionsListenRequest) {
		if sess := server.ClientSessionFromContext(ctx); sess != nil && len(req.Params.Notifications.ResourceSubscriptions) > 0 {
			s.mu.Lock()
			s.listen[sess] = req.Params.Notifications.ResourceSubscriptions
			s.mu.Unlock()
		}
	})
	// The listen request returns when its stream ends, well or badly.
	end := func(ctx context.Context) {
		if sess := server.ClientSessionFromContext(ctx); sess != nil {
			s.mu.Lock()
			delete(s.listen, sess)
			s.mu.Unlock()
		}
	}
	h.AddAfterSubscriptionsListen(func(ctx context.Context, _ any, _ *mcp.SubscriptionsListenRequest, _ *mcp.SubscriptionsListenResult) {
		end(ctx)
	})
	h.AddOnError(func(ctx context.Context, _ any, method mcp.MCPMethod, _ any, _ error) {
		if method == mcp.MethodSubscriptionsListen {
			end(ctx)
		}
	})
}

// listeners are the listen streams that asked for uri.
func (s *subscriptions) listeners(uri string) []server.ClientSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []server.ClientSession
	for sess, uris := range s.listen {
		if slices.Contains(uris, uri) {
			out = append(out, sess)
		}
	}
	return out
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
	note := mcp.JSONRPCNotification{JSONRPC: mcp.JSONRPC_VERSION, Notification: mcp.Notification{
		Method: mcp.MethodNotificationResourceUpdated,
		Params: mcp.NotificationParams{AdditionalFields: map[string]any{"uri": uri}},
	}}
	for _, sess := range s.subs.listeners(uri) {
		// The transport tags it with the listen request's id.
		select {
		case sess.NotificationChannel() <- note:
			n++
		default:
		}
	}
	for _, id := range s.subs.sessions(uri) {
		if s.SendNotificationToSpecificClient(id, mcp.MethodNotificationResourceUpdated, map[string]any{"uri": uri}) == nil {
			n++
		}
	}
	return n
}
