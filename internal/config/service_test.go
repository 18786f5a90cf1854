package config_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ghmcp/ghmcp/internal/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// The service settings: what goes together, what a public address needs,
// and secrets read from files (never quoted in an error).
func TestServiceSettings(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	os.WriteFile(secret, []byte("s3cret-value\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	appKey := filepath.Join(dir, "app.pem")
	os.WriteFile(appKey, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	app := []string{"--app-id", "7", "--app-installation-id", "42", "--app-private-key-file", appKey}
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"a loopback address serves plain HTTP", []string{"--listen", "127.0.0.1:8080"}, nil, ""},
		{"localhost is loopback", []string{"--listen", "localhost:8080"}, nil, ""},
		{"every interface without TLS is refused", []string{"--listen", ":8080"}, nil, "--behind-proxy"},
		{"a public address behind a proxy is served", []string{"--listen", "0.0.0.0:8080", "--behind-proxy"}, nil, ""},
		{"an address without a port is refused", []string{"--listen", "127.0.0.1"}, nil, "host:port"},
		{"a certificate without its key is refused", []string{"--listen", "127.0.0.1:1", "--tls-cert", secret}, nil, "go together"},
		{"a missing certificate file is refused", []string{"--tls-cert", filepath.Join(dir, "nope"), "--tls-key", secret}, nil, "cannot read it"},
		{"an empty secret file is refused", []string{"--http-token-file", empty}, nil, "empty"},
		{"App flags go together", []string{"--app-id", "1"}, nil, "all three"},
		{"an App on stdio is accepted", app, nil, ""},
		{"an App key file that holds no key is refused", []string{"--app-id", "7", "--app-installation-id", "42", "--app-private-key-file", secret}, nil, "not a PEM RSA private key"},
		{"an App over HTTP needs the operator's secret", append([]string{"--listen", "127.0.0.1:1"}, app...), nil, "needs --http-token-file"},
		{"an App over HTTP with the operator's secret is accepted", append([]string{"--listen", "127.0.0.1:1", "--http-token-file", secret}, app...), nil, ""},
		{"a bad log format is refused", nil, map[string]string{"GHMCP_LOG_FORMAT": "xml"}, "text or json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse(tc.args, env(tc.env))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v, want one saying %q", err, tc.wantErr)
			case err != nil && strings.Contains(err.Error(), "s3cret"):
				t.Errorf("the error quotes the secret: %v", err)
			}
		})
	}
	c, err := config.Parse([]string{"--webhook-secret-file", secret, "--http-token-file", secret}, env(nil))
	if err != nil || string(c.HTTP.WebhookSecret) != "s3cret-value" || string(c.HTTP.Token) != "s3cret-value" {
		t.Errorf("secrets from files: %q %q %v", c.HTTP.WebhookSecret, c.HTTP.Token, err)
	}
	c, _ = config.Parse(nil, env(map[string]string{"GHMCP_WEBHOOK_SECRET": "from-env"}))
	if string(c.HTTP.WebhookSecret) != "from-env" {
		t.Errorf("GHMCP_WEBHOOK_SECRET: %q", c.HTTP.WebhookSecret)
	}
}
