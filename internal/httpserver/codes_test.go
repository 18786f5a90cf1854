package httpserver_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghmcp/ghmcp/internal/httpserver"
)

// Over HTTP as on stdio, a resource read with bad arguments is -32602 and
// one of a resource GitHub does not have is -32002 (-32602 from
// 2026-07-28), not mcp-go's -32603 for every handler error.
func TestResourceErrorCodesOverHTTP(t *testing.T) {
	for _, tc := range []struct {
		version, uri string
		want         int64
	}{
		{"2025-11-25", "repo://octo/hello/contents/../x", -32602},
		{"2025-11-25", "repo://octo/hello/issues/999", -32002},
		{"", "repo://octo/hello/contents/../x", -32602},
		{"", "repo://octo/hello/issues/999", -32602},
	} {
		t.Run(tc.version+" "+tc.uri, func(t *testing.T) {
			s := setup(t, httpserver.Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cs := connect(t, ctx, s.url+"/mcp", clientToken, tc.version, nil)
			_, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: tc.uri})
			var werr *jsonrpc.Error
			if !errors.As(err, &werr) || werr.Code != tc.want {
				t.Fatalf("resources/read %s: %v, want JSON-RPC code %d", tc.uri, err, tc.want)
			}
			// An ordinary read still works afterwards.
			if _, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: "repo://octo/hello/issues/1"}); err != nil {
				t.Errorf("a good read after the error: %v", err)
			}
		})
	}
}
