package httpserver_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/internal/httpserver"
)

// When its context ends, Serve stops accepting, lets a call in flight
// finish and answer, ends the listening streams, and returns nil within
// the bound.
func TestServeDrainsACallInFlight(t *testing.T) {
	gh := fakegithub.New(clientToken)
	gh.AddDemo()
	api := gh.Start()
	defer gh.Close()
	gh.Inject(fakegithub.Fault{Method: http.MethodGet, Path: "/repos/octo/hello", Delay: 500 * time.Millisecond})
	srv := httpserver.New(httpserver.Options{Listen: "127.0.0.1:0", Factory: backendFor(t, api)})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln, httpserver.ServeOptions{Drain: 5 * time.Second}) }()

	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs := connect(t, cctx, "http://"+ln.Addr().String()+"/mcp", clientToken, "2025-11-25", nil)
	answered := make(chan error, 1)
	go func() {
		res, err := cs.CallTool(cctx, &sdk.CallToolParams{Name: "get_repository_details", Arguments: map[string]any{"owner": "octo", "repo": "hello"}})
		if err == nil && res.IsError {
			err = context.Canceled
		}
		answered <- err
	}()
	time.Sleep(150 * time.Millisecond) // the call is at the slow GitHub
	start := time.Now()
	stop()
	if err := <-answered; err != nil {
		t.Errorf("the call in flight at the stop: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Serve took %v to stop: it waited for more than the call", d)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting after the stop")
	}
}
