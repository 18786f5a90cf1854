package httpserver

import (
	"context"

	"github.com/ghmcp/ghmcp/internal/webhook"
	"github.com/ghmcp/ghmcp/resources"
)

// Sink is the webhook sink of the service: for each event it drops what
// the event made stale from every identity's cache, then tells the
// sessions subscribed to the event's issue or pull request
// (notifications/resources/updated), in that order, so that a notified
// client's read is a fresh one.
func (s *Server) Sink() webhook.Sink {
	return webhook.SinkFunc(func(_ context.Context, e webhook.Event) {
		paths := e.StalePaths()
		var uris []string
		if e.Repo != "" && e.Number > 0 {
			owner, repo, _ := cut(e.Repo)
			uris = []string{resources.IssueURI(owner, repo, e.Number), resources.PullURI(owner, repo, e.Number)}
		}
		dropped, told := 0, 0
		s.ids.each(func(sv *served) {
			if sv.backend.Cache != nil && len(paths) > 0 {
				dropped += sv.backend.Cache.Forget(paths...)
			}
			for _, u := range uris {
				told += sv.backend.Server.ResourceUpdated(u)
			}
		})
		s.log.Debug("webhook event applied", "event", e.Type, "delivery", e.Delivery, "cache_dropped", dropped, "sessions_told", told)
	})
}

func cut(full string) (owner, repo string, ok bool) {
	for i := 0; i < len(full); i++ {
		if full[i] == '/' {
			return full[:i], full[i+1:], true
		}
	}
	return full, "", false
}
