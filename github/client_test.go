package github

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// TestTokenStaysOnAPIHost follows a GitHub redirect to another host (as
// for logs and release assets) and checks the token is not sent there.
func TestTokenStaysOnAPIHost(t *testing.T) {
	const token = "ghp_redirectCANARY"
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "" {
			t.Errorf("storage host received Authorization %q", got)
		}
		w.Write([]byte("log line\n"))
	}))
	defer storage.Close()
	// 127.0.0.1 and localhost are different hosts to the client.
	storageURL := strings.Replace(storage.URL, "127.0.0.1", "localhost", 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("API host received Authorization %q", got)
		}
		http.Redirect(w, r, storageURL+"/logs/1", http.StatusFound)
	}))
	defer api.Close()

	u, _ := url.Parse(api.URL + "/")
	c, err := NewClient(Options{Token: token, APIURL: u, Limiter: ratelimit.New(ratelimit.Config{}, nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := c.NewRequest("GET", "repos/o/r/actions/jobs/1/logs", nil)
	resp, err := c.Client().Do(req.WithContext(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Host == u.Host {
		t.Fatal("the redirect was not followed; the test proves nothing")
	}
}

func TestParseAPIURL(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "https://api.github.com", want: "https://api.github.com/"},
		{in: "https://ghe.example.com/api/v3", want: "https://ghe.example.com/api/v3/"},
		{in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/"},
		{in: "http://localhost:1/", want: "http://localhost:1/"},
		{in: "http://[::1]:1/", want: "http://[::1]:1/"},
		{in: "http://ghe.example.com/api/v3", wantErr: "http:// would send the token in clear"},
		{in: "http://127.0.0.1.example.com/", wantErr: "http:// would send the token in clear"},
		{in: "ftp://ghe.example.com/", wantErr: "scheme must be https"},
		{in: "api.github.com", wantErr: "want an absolute URL"},
		{in: "https://user:pass@ghe.example.com/", wantErr: "must not carry credentials"},
		{in: "https://ghe.example.com/?x=1", wantErr: "must not carry credentials, a query"},
		{in: "://", wantErr: "invalid API URL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseAPIURL(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseAPIURL(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || u.String() != tt.want {
				t.Fatalf("ParseAPIURL(%q) = %v, %v; want %s", tt.in, u, err, tt.want)
			}
		})
	}
}
