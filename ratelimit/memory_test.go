package ratelimit_test

import (
	"testing"

	"github.com/ghmcp/ghmcp/ratelimit"
	"github.com/ghmcp/ghmcp/ratelimit/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock ratelimit.Clock) ratelimit.Store {
		return ratelimit.NewMemoryStore(clock)
	})
}
