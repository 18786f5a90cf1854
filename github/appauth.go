package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"

	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// App is a GitHub App installation to act as.
type App struct {
	ID, InstallationID int64
	// PrivateKey is the App's PEM private key (PKCS#1 or PKCS#8 RSA).
	PrivateKey []byte
}

// CheckAppKey reports whether key is a PEM RSA private key an App can sign
// with. The error never quotes the key.
func CheckAppKey(key []byte) error {
	if _, err := ghinstallation.NewAppsTransport(http.DefaultTransport, 1, key); err != nil {
		return errors.New("not a PEM RSA private key (PKCS#1 or PKCS#8) as GitHub generates for an App")
	}
	return nil
}

// Installation is what GitHub said when it last minted the installation's
// token: get_me reports it.
type Installation struct {
	AppID int64 `json:"app_id"`
	// AppSlug and AppURL are the App's name in URLs and its page
	// (GET /app); its bot's login is AppSlug + "[bot]".
	AppSlug string `json:"app_slug,omitempty"`
	AppURL  string `json:"app_html_url,omitempty"`
	ID      int64  `json:"installation_id"`
	// Permissions are the token's permissions, e.g. {"issues": "write"}.
	Permissions map[string]string `json:"permissions,omitempty"`
	// ExpiresAt is when the current token expires; ghmcp mints the next
	// one before that.
	ExpiresAt time.Time `json:"token_expires_at"`
}

// AppAuth authenticates API requests as a GitHub App installation, through
// github.com/bradleyfalzon/ghinstallation/v2: a JWT signed with the App's
// key (RS256, iss = the App ID, valid 2 minutes) buys an installation
// token from POST /app/installations/{id}/access_tokens; the token is kept
// and bought again one minute before it expires (ghinstallation's margin;
// tokens live an hour). Concurrent requests share one purchase.
//
// Around ghinstallation, AppAuth adds what the client needs: the token
// travels as "Authorization: Bearer" and only to the API host (apiHostOnly
// in NewClient); every new token is handed to OnToken (the redactor) before
// any request carries it; the token's permissions are kept for get_me; and
// every read of ghinstallation's state is serialised (its Permissions and
// Expiry read the token without its lock). Neither the JWT nor a token is
// ever logged or put in an error.
type AppAuth struct {
	app     App
	tr      *ghinstallation.Transport
	apps    *ghinstallation.AppsTransport // authenticates as the App itself (JWT), for GET /app
	onToken func(string)

	mu    sync.Mutex // serialises every call into tr
	token string
	inst  Installation
}

// NewAppAuth returns the App's authenticator. apiURL is the REST API root
// (GitHub Enterprise Server: https://HOST/api/v3/); base sends the token
// purchases (nil: a clone of http.DefaultTransport); onToken, if set, is
// told every new token before it is used.
func NewAppAuth(app App, apiURL *url.URL, base http.RoundTripper, onToken func(token string)) (*AppAuth, error) {
	if app.ID <= 0 || app.InstallationID <= 0 {
		return nil, errors.New("github: an App needs its ID and its installation ID")
	}
	if apiURL == nil {
		return nil, errors.New("github: NewAppAuth needs the API URL")
	}
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	// The purchase's answer is read whole by ghinstallation: bound it.
	base = capBody{next: base, max: 1 << 20, maxErr: 64 << 10}
	tr, err := ghinstallation.New(base, app.ID, app.InstallationID, app.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("GitHub App %d: %w", app.ID, CheckAppKey(app.PrivateKey))
	}
	tr.BaseURL = strings.TrimRight(apiURL.String(), "/")
	tr.Client = &http.Client{Transport: base, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	apps, err := ghinstallation.NewAppsTransport(base, app.ID, app.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("GitHub App %d: %w", app.ID, CheckAppKey(app.PrivateKey))
	}
	apps.BaseURL = tr.BaseURL
	return &AppAuth{app: app, tr: tr, apps: apps, onToken: onToken}, nil
}

// Token returns a valid installation token, buying one if there is none or
// it expires within a minute.
func (a *AppAuth) Token(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	tok, err := a.tr.Token(ctx)
	if err != nil {
		var he *ghinstallation.HTTPError
		if errors.As(err, &he) && he.Response != nil {
			he.Response.Body.Close() // ghinstallation leaves a refusal's body open
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		err := fmt.Errorf("GitHub App %d cannot get a token for installation %d: %s; check --app-id, --app-installation-id and that --app-private-key-file is the App's current key",
			a.app.ID, a.app.InstallationID, mintFailure(err))
		if he != nil && he.Response != nil && he.Response.StatusCode/100 == 4 {
			// GitHub refused the App: retrying the request changes nothing.
			return "", &ratelimit.NotSentError{Err: err}
		}
		return "", err
	}
	if tok != a.token {
		// A token that could not be GitHub's (a hostile or broken API
		// answering "t") would make the redactor mask ordinary text.
		if err := redact.CheckToken(tok); err != nil {
			return "", fmt.Errorf("GitHub App %d: the installation token GitHub returned is unusable (%v); check --api-url", a.app.ID, err)
		}
		if a.onToken != nil {
			a.onToken(tok)
		}
		a.token = tok
		a.inst = Installation{AppID: a.app.ID, ID: a.app.InstallationID, AppSlug: a.inst.AppSlug, AppURL: a.inst.AppURL}
		if p, err := a.tr.Permissions(); err == nil {
			a.inst.Permissions = permissionMap(p)
		}
		if exp, _, err := a.tr.Expiry(); err == nil {
			a.inst.ExpiresAt = exp
		}
	}
	return tok, nil
}

// mintFailure says why a purchase failed, without URLs' queries or bodies.
func mintFailure(err error) string {
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) && he.Response != nil {
		switch he.Response.StatusCode {
		case http.StatusUnauthorized:
			return "GitHub refused the App's signed JWT (401)"
		case http.StatusNotFound:
			return "GitHub knows no such installation of this App (404)"
		}
		return "GitHub answered " + he.Response.Status
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return "the token could not be read from GitHub's answer"
}

// Installation returns the installation as of its current token, buying
// one first if needed, and the App's slug (asked once).
func (a *AppAuth) Installation(ctx context.Context) (*Installation, error) {
	if _, err := a.Token(ctx); err != nil {
		return nil, err
	}
	a.mu.Lock()
	known := a.inst.AppSlug != ""
	a.mu.Unlock()
	if !known {
		slug, page, err := a.describe(ctx)
		if err != nil {
			return nil, err
		}
		a.mu.Lock()
		a.inst.AppSlug, a.inst.AppURL = slug, page
		a.mu.Unlock()
	}
	return a.current(), nil
}

// describe asks GitHub for the App's slug and page, as the App.
// https://docs.github.com/rest/apps/apps#get-the-authenticated-app
func (a *AppAuth) describe(ctx context.Context) (slug, page string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.apps.BaseURL+"/app", nil)
	if err != nil {
		return "", "", err
	}
	resp, err := a.apps.RoundTrip(req)
	if err != nil {
		return "", "", fmt.Errorf("GitHub App %d: GET /app: %s", a.app.ID, mintFailure(err))
	}
	defer resp.Body.Close()
	var app struct {
		Slug    string `json:"slug"`
		HTMLURL string `json:"html_url"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&app) != nil || app.Slug == "" {
		return "", "", fmt.Errorf("GitHub App %d: GET /app answered %s without the App's slug", a.app.ID, resp.Status)
	}
	return app.Slug, app.HTMLURL, nil
}

// current is a copy of the installation as of its current token; nil
// before the first token.
func (a *AppAuth) current() *Installation {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token == "" {
		return nil
	}
	inst := a.inst
	inst.Permissions = maps.Clone(a.inst.Permissions)
	return &inst
}

// permissionMap turns go-github's struct of permissions into a map of
// those granted.
func permissionMap(p any) map[string]string {
	b, err := json.Marshal(p)
	if err != nil {
		return nil
	}
	var m map[string]string
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return m
}

// transport authorises each request through next with the installation's
// token.
func (a *AppAuth) transport(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		tok, err := a.Token(req.Context())
		if err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+tok)
		return next.RoundTrip(req)
	})
}
