package fakegithub

import (
	"fmt"
	"time"
)

// SetClock freezes the server's clock at t, so that the timestamps it
// writes (created_at, updated_at, closed_at, rate-limit windows) are the
// same on every run; the zero time lets the clock follow time.Now again.
// Unlike setting Now, it is safe while the server runs: every read of the
// clock holds s.mu.
func (s *Server) SetClock(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.IsZero() {
		s.Now = time.Now
		return
	}
	s.Now = func() time.Time { return t }
}

// cmdClock runs "clock TIME|real".
func (s *Server) cmdClock(args []string) error {
	if len(args) != 1 {
		return usage("clock")
	}
	if args[0] == "real" {
		s.SetClock(time.Time{})
		return nil
	}
	t, err := time.Parse(time.RFC3339, args[0])
	if err != nil {
		return fmt.Errorf("TIME must be RFC 3339 such as 2026-01-02T03:04:05Z, got %q\n%s", args[0], usage("clock"))
	}
	s.SetClock(t)
	return nil
}
