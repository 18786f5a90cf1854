package httpserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// ServeOptions are how Serve listens and stops.
type ServeOptions struct {
	// TLSCert and TLSKey, if set, serve HTTPS.
	TLSCert, TLSKey string
	// Drain bounds how long calls in flight may still run once ctx ends
	// (default 10 s).
	Drain time.Duration
}

// Serve serves on ln until ctx ends, then stops accepting, ends the
// sessions' listening streams, lets the calls in flight finish within
// Drain and returns nil; it returns an error only if serving failed.
func (s *Server) Serve(ctx context.Context, ln net.Listener, opts ServeOptions) error {
	if opts.Drain <= 0 {
		opts.Drain = 10 * time.Second
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	failed := make(chan error, 1)
	go func() {
		var err error
		if opts.TLSCert != "" {
			err = hs.ServeTLS(ln, opts.TLSCert, opts.TLSKey)
		} else {
			err = hs.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			failed <- err
		}
		close(failed)
	}()
	select {
	case err := <-failed:
		return err
	case <-ctx.Done():
	}

	s.log.Info("stopping: no new connections; draining calls in flight", "bound", opts.Drain)
	drainCtx, cancel := context.WithTimeout(context.Background(), opts.Drain)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- hs.Shutdown(drainCtx) }()
	// Listening streams (GET, and subscriptions/listen at 2026-07-28)
	// never go idle: end them once the calls are answered (a client may
	// count a call lost with its stream), so that Shutdown can finish.
	tick := time.NewTicker(10 * time.Millisecond)
	for s.streams.calls.Load() > 0 && drainCtx.Err() == nil {
		<-tick.C
	}
	tick.Stop()
	s.ids.each(func(sv *served) { sv.http.CloseSessions(drainCtx) })
	s.streams.stop()
	if err := <-shut; err != nil {
		s.log.Warn("calls still in flight at the end of the drain were cut", "bound", opts.Drain)
		hs.Close()
	}
	s.ids.each(func(sv *served) {
		if sv.backend.Close != nil {
			sv.backend.Close()
		}
	})
	return nil
}
