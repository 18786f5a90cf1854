package github_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// appKey is a fresh App key and its PEM in PKCS#1 (pkcs8 false) or PKCS#8.
func appKey(t *testing.T, pkcs8 bool) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	if !pkcs8 {
		return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// appSetup is a fake GitHub that knows installation 42 of App 7 (which
// signs with the key in pemKey), and a client acting as that installation.
type appSetup struct {
	fake   *fakegithub.Server
	auth   *github.AppAuth
	client *gh.Client
	perms  *github.Permissions
	seen   []string // tokens handed to OnToken
	mu     sync.Mutex
}

func newAppSetup(t *testing.T, in fakegithub.AppInstallation, pemKey []byte) *appSetup {
	t.Helper()
	fake := fakegithub.New("ghp_serverTOKEN0123456789abcdefghijklmnop")
	fake.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello"})
	in.AppID, in.ID = 7, 42
	fake.AddAppInstallation(in)
	base := fake.Start()
	t.Cleanup(fake.Close)
	api, err := github.ParseAPIURL(base)
	if err != nil {
		t.Fatal(err)
	}
	s := &appSetup{fake: fake}
	s.auth, err = github.NewAppAuth(github.App{ID: 7, InstallationID: 42, PrivateKey: pemKey}, api, nil, func(tok string) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.seen = append(s.seen, tok)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.perms = github.NewPermissions("", github.Need{}, nil)
	s.perms.UseApp(s.auth)
	cfg := ratelimit.DefaultConfig()
	cfg.WriteSpacing = -1
	s.client, err = github.NewClient(github.Options{App: s.auth, APIURL: api, Limiter: ratelimit.New(cfg, nil, nil), Permissions: s.perms})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// apiAuthorizations are the Authorization headers of the fake's requests
// but the token purchases.
func apiAuthorizations(fake *fakegithub.Server) (mints int, api []string) {
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/app/") {
			mints++
			continue
		}
		api = append(api, r.Header.Get("Authorization"))
	}
	return mints, api
}

func TestAppInstallationTokenIsBoughtOnceAndSentAsBearer(t *testing.T) {
	key, pemKey := appKey(t, false)
	s := newAppSetup(t, fakegithub.AppInstallation{Key: &key.PublicKey, Permissions: map[string]string{"issues": "write", "metadata": "read"}}, pemKey)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, err := s.client.Repositories.Get(ctx, "octo", "hello"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	minted := s.fake.AppTokens()
	if len(minted) != 1 {
		t.Fatalf("%d tokens bought for 8 concurrent requests, want 1", len(minted))
	}
	mints, api := apiAuthorizations(s.fake)
	if mints != 1 || len(api) != 8 {
		t.Fatalf("%d purchases and %d API requests, want 1 and 8", mints, len(api))
	}
	for _, h := range api {
		if h != "Bearer "+minted[0] {
			t.Errorf("API request authorised with %q, want the installation token as Bearer", h)
		}
	}
	if len(s.seen) != 1 || s.seen[0] != minted[0] {
		t.Errorf("OnToken saw %d tokens, want the one bought", len(s.seen))
	}
	inst, err := s.perms.Installation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if inst.AppID != 7 || inst.ID != 42 || inst.Permissions["issues"] != "write" || inst.Permissions["metadata"] != "read" || time.Until(inst.ExpiresAt) < 50*time.Minute {
		t.Errorf("installation = %+v", inst)
	}
	if r := s.perms.Report(); r.Kind != "app-installation" || r.Installation == nil || r.Installation.Permissions["issues"] != "write" {
		t.Errorf("report = %+v", r)
	}
}

func TestAppTokenIsBoughtAgainBeforeItExpires(t *testing.T) {
	// Tokens that live 30 s are within ghinstallation's one-minute margin
	// as soon as they are bought: each request buys a new one.
	key, pemKey := appKey(t, true)
	s := newAppSetup(t, fakegithub.AppInstallation{Key: &key.PublicKey, TokenTTL: 30 * time.Second}, pemKey)
	ctx := context.Background()
	for range 3 {
		if _, _, err := s.client.Repositories.Get(ctx, "octo", "hello"); err != nil {
			t.Fatal(err)
		}
	}
	minted := s.fake.AppTokens()
	_, api := apiAuthorizations(s.fake)
	if len(minted) != 3 || len(api) != 3 {
		t.Fatalf("%d tokens bought, %d API requests; want 3 and 3", len(minted), len(api))
	}
	for i, h := range api {
		if h != "Bearer "+minted[i] {
			t.Errorf("request %d sent %q, want the token bought just before it", i, h)
		}
	}
	if len(s.seen) != 3 {
		t.Errorf("OnToken saw %d tokens, want every one of the 3", len(s.seen))
	}
}

func TestAppWithTheWrongKeyFailsClearlyAndLeaksNothing(t *testing.T) {
	key, _ := appKey(t, false)
	_, otherPEM := appKey(t, false)
	s := newAppSetup(t, fakegithub.AppInstallation{Key: &key.PublicKey}, otherPEM)
	_, _, err := s.client.Repositories.Get(context.Background(), "octo", "hello")
	if err == nil {
		t.Fatal("a JWT signed with another key bought a token")
	}
	if s.fake.AppRefusals() != 1 || len(s.fake.AppTokens()) != 0 {
		t.Errorf("refusals %d, tokens %d; want 1 and 0", s.fake.AppRefusals(), len(s.fake.AppTokens()))
	}
	for _, want := range []string{"GitHub App 7", "installation 42", "refused the App's signed JWT (401)", "--app-private-key-file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	for _, r := range s.fake.Requests() {
		if jwt := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "); jwt != "" && strings.Contains(err.Error(), jwt[:20]) {
			t.Errorf("the error quotes the JWT: %v", err)
		}
	}
	if _, _, err := s.client.Repositories.Get(context.Background(), "octo", "hello"); err == nil || s.fake.AppRefusals() != 2 {
		t.Errorf("a refused purchase must be tried again on the next request: err %v, refusals %d", err, s.fake.AppRefusals())
	}
}

func TestAppTokenNeverReachesTheLog(t *testing.T) {
	key, pemKey := appKey(t, false)
	fake := fakegithub.New("ghp_serverTOKEN0123456789abcdefghijklmnop")
	fake.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello"})
	fake.AddAppInstallation(fakegithub.AppInstallation{AppID: 7, ID: 42, Key: &key.PublicKey})
	api, _ := github.ParseAPIURL(fake.Start())
	t.Cleanup(fake.Close)
	var buf bytes.Buffer
	red := redact.New()
	logger := slog.New(red.Handler(slog.NewTextHandler(&buf, nil)))
	auth, err := github.NewAppAuth(github.App{ID: 7, InstallationID: 42, PrivateKey: pemKey}, api, nil, func(tok string) { red.Add(tok) })
	if err != nil {
		t.Fatal(err)
	}
	tok, err := auth.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Whatever quotes the token (an error echoing a request, a header
	// dump) is masked once the token is known.
	logger.Error("request failed", "authorization", "Bearer "+tok, "err", errors.New("401 for "+tok))
	if strings.Contains(buf.String(), tok) || !strings.Contains(buf.String(), redact.Mask) {
		t.Errorf("the installation token reached the log:\n%s", buf.String())
	}
}

func TestCheckAppKey(t *testing.T) {
	_, pkcs1 := appKey(t, false)
	_, pkcs8 := appKey(t, true)
	for name, key := range map[string][]byte{"PKCS#1": pkcs1, "PKCS#8": pkcs8} {
		if err := github.CheckAppKey(key); err != nil {
			t.Errorf("%s key refused: %v", name, err)
		}
	}
	secret := []byte("-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0IG1hdGVyaWFs\n-----END RSA PRIVATE KEY-----\n")
	err := github.CheckAppKey(secret)
	if err == nil || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Errorf("a broken key: err %v (must refuse without quoting it)", err)
	}
	if _, err := github.NewAppAuth(github.App{ID: 7, InstallationID: 42, PrivateKey: []byte("nope")}, nil, nil, nil); err == nil {
		t.Error("NewAppAuth accepted a bad key")
	}
}

func TestAppTokenStaysOnTheAPIHost(t *testing.T) {
	key, pemKey := appKey(t, false)
	s := newAppSetup(t, fakegithub.AppInstallation{Key: &key.PublicKey}, pemKey)
	got := "(no request)"
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Get("Authorization") }))
	defer other.Close()
	req, _ := s.client.NewRequest("GET", other.URL+"/elsewhere", nil)
	if _, err := s.client.Do(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	if got != "" {
		t.Errorf("the token went to another host: %q", got)
	}
	if mints, _ := apiAuthorizations(s.fake); mints != 0 {
		t.Errorf("a request to another host bought a token (%d purchases)", mints)
	}
}
