package tools

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/ratelimit"
)

func TestGetMeAsAGitHubAppReportsTheInstallation(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	fake := fakegithub.New("ghp_serverTOKEN0123456789abcdefghijklmnop")
	fake.AddAppInstallation(fakegithub.AppInstallation{AppID: 7, ID: 42, Key: &key.PublicKey, Permissions: map[string]string{"issues": "write", "metadata": "read"}})
	api, _ := github.ParseAPIURL(fake.Start())
	t.Cleanup(fake.Close)

	red := redact.New()
	app, err := github.NewAppAuth(github.App{ID: 7, InstallationID: 42, PrivateKey: pemKey}, api, nil, func(tok string) { red.Add(tok) })
	if err != nil {
		t.Fatal(err)
	}
	perms := github.NewPermissions("", github.Need{}, nil)
	perms.UseApp(app)
	limiter := ratelimit.New(ratelimit.Config{WriteSpacing: -1}, nil, nil)
	client, err := github.NewClient(github.Options{App: app, APIURL: api, Limiter: limiter, Permissions: perms})
	if err != nil {
		t.Fatal(err)
	}
	d := toolkit.Deps{GitHub: client, Permissions: perms, Redact: red.String, RedactText: red.Text}

	res := call(t, d, "get_me", `{}`)
	text := resultText(t, res)
	if res.IsError {
		t.Fatalf("get_me as an App failed: %s", text)
	}
	var got AuthenticatedUser
	if err := json.Unmarshal([]byte(text), &got); err != nil {
		t.Fatalf("%v in %s", err, text)
	}
	inst := got.Token.Installation
	if got.Login != "ghmcp-test[bot]" || got.HTMLURL != "https://github.com/apps/ghmcp-test" || got.Type != "Bot" || got.Token.Kind != "app-installation" || inst == nil || inst.AppID != 7 || inst.ID != 42 ||
		inst.Permissions["issues"] != "write" || inst.ExpiresAt.IsZero() {
		t.Errorf("get_me as an App = %s", text)
	}
	minted := fake.AppTokens()
	if len(minted) != 1 || strings.Contains(text, minted[0]) {
		t.Errorf("%d tokens bought; the answer must not show the token: %s", len(minted), text)
	}
	for _, r := range fake.Requests() {
		if r.Path == "/user" {
			t.Error("get_me asked GET /user, which GitHub refuses to installation tokens")
		}
	}
}
