package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
)

// TestGitHubAppIdentityOnStdio runs ghmcp as a GitHub App installation on
// stdio: every API request carries the installation token as a Bearer,
// get_me reports the installation's permissions, and no token or JWT
// reaches stdout or the debug log.
func TestGitHubAppIdentityOnStdio(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "app.pem")
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	fake := fakegithub.New(transcriptToken)
	fake.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello"})
	fake.AddAppInstallation(fakegithub.AppInstallation{AppID: 7, ID: 42, Key: &key.PublicKey, Permissions: map[string]string{"issues": "write", "metadata": "read"}})
	api := fake.Start()
	t.Cleanup(fake.Close)

	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_me","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_branches","arguments":{"owner":"octo","repo":"hello"}}}`,
	}, "\n") + "\n"
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--app-id", "7", "--app-installation-id", "42", "--app-private-key-file", keyFile, "--log-level", "debug"},
		strings.NewReader(in), &stdout, &stderr, envMap(map[string]string{"GITHUB_API_URL": api, "GHMCP_DRAIN_TIMEOUT": "20s"}))
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{`"login":"ghmcp-test[bot]"`, `"kind":"app-installation"`, `"permissions":{"issues":"write","metadata":"read"}`} {
		if !strings.Contains(out, want) {
			t.Errorf("get_me does not say %s:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr.String(), "GitHub App 7, installation 42") {
		t.Errorf("the start-up log does not name the App:\n%s", stderr.String())
	}
	minted := fake.AppTokens()
	if len(minted) != 1 {
		t.Fatalf("%d installation tokens bought, want 1", len(minted))
	}
	branches := 0
	for _, r := range fake.Requests() {
		auth := r.Header.Get("Authorization")
		switch {
		case r.Path == "/app/installations/42/access_tokens" || r.Path == "/app":
			jwt := strings.TrimPrefix(auth, "Bearer ")
			if strings.Contains(out+stderr.String(), jwt[len(jwt)-40:]) {
				t.Error("the App's JWT reached stdout or the log")
			}
		case r.Path == "/user":
			t.Error("get_me asked GET /user, which GitHub refuses to installation tokens")
		default:
			branches++
			if auth != "Bearer "+minted[0] {
				t.Errorf("%s %s sent %q, want the installation token", r.Method, r.Path, auth)
			}
		}
	}
	if branches == 0 {
		t.Errorf("list_branches reached no API endpoint:\n%s", out)
	}
	if strings.Contains(out+stderr.String(), minted[0]) || strings.Contains(out+stderr.String(), transcriptToken) {
		t.Errorf("a token reached stdout or the log:\n%s\n%s", out, stderr.String())
	}
}
