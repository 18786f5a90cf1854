package httpserver

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/internal/mcpserver"
	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// An identity evicted from the pool while a request still uses it is
// closed when that request ends, not under it.
func TestEvictionWaitsForTheLastUser(t *testing.T) {
	var closed atomic.Int32
	ids := newIdentities(Options{MaxIdentities: 1, Factory: func(string) (*Backend, error) {
		srv, err := mcpserver.New(mcpserver.Options{Version: "test", Deps: toolkit.Deps{}})
		if err != nil {
			return nil, err
		}
		return &Backend{Server: srv, Close: func() { closed.Add(1) }}, nil
	}})
	a, err := ids.get("ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ids.get("ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb") // evicts a, which is in use
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := closed.Load(); n != 0 {
		t.Fatalf("%d backends closed while in use", n)
	}
	ids.release(a)
	deadline := time.Now().Add(5 * time.Second)
	for closed.Load() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := closed.Load(); n != 1 {
		t.Errorf("%d backends closed after the evicted one's last request, want 1", n)
	}
	ids.release(b)
	if n := closed.Load(); n != 1 {
		t.Errorf("the current identity was closed too")
	}
}
