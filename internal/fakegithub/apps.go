package fakegithub

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// AppInstallation is a GitHub App installation the fake sells installation
// tokens for (AddAppInstallation).
type AppInstallation struct {
	AppID, ID int64
	// Key is the App's public key: the fake verifies the JWT's signature
	// with it.
	Key *rsa.PublicKey
	// Permissions are the tokens' permissions; nil means
	// {"contents":"read","issues":"write","metadata":"read"}.
	Permissions map[string]string
	// TokenTTL is how long a token lives; 0 means an hour, as on GitHub.
	TokenTTL time.Duration
	// Slug is the App's name in URLs (GET /app); "" means "ghmcp-test".
	Slug string
}

// appState is the fake's GitHub Apps: installations and the tokens sold.
type appState struct {
	installs map[int64]AppInstallation
	tokens   map[string]appToken
	minted   []string // every token sold, in order
	refused  int      // purchases refused (bad JWT, unknown installation)
}

// appToken is one installation token sold.
type appToken struct {
	installation int64
	expires      time.Time
}

// AddAppInstallation makes the fake sell tokens for in: a POST to
// /app/installations/{in.ID}/access_tokens with a JWT signed by the App's
// key gets a token that the fake then accepts like its own until it
// expires. GET /user with such a token is refused (403), as on GitHub.
func (s *Server) AddAppInstallation(in AppInstallation) {
	if in.Permissions == nil {
		in.Permissions = map[string]string{"contents": "read", "issues": "write", "metadata": "read"}
	}
	if in.TokenTTL <= 0 {
		in.TokenTTL = time.Hour
	}
	if in.Slug == "" {
		in.Slug = "ghmcp-test"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.apps.installs == nil {
		s.apps.installs, s.apps.tokens = map[int64]AppInstallation{}, map[string]appToken{}
	}
	s.apps.installs[in.ID] = in
}

// AppTokens returns every installation token sold, oldest first.
func (s *Server) AppTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.apps.minted...)
}

// AppRefusals counts the token purchases refused.
func (s *Server) AppRefusals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apps.refused
}

// appTokenValid reports whether tok is an installation token sold and not
// expired. s.mu is held.
func (s *Server) appTokenValid(tok string) bool {
	t, ok := s.apps.tokens[tok]
	return ok && s.now().Before(t.expires)
}

// serveApp answers POST /app/installations/{id}/access_tokens, outside the
// rate budget and the write accounting (buying a token creates no
// content), and refuses what an installation token may not do. It
// returns nil for any other request.
// https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app
func (s *Server) serveApp(r *http.Request) *response {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.apps.installs == nil {
		return nil
	}
	if r.Method == http.MethodGet && r.URL.Path == "/user" {
		if _, tok, _ := strings.Cut(r.Header.Get("Authorization"), " "); s.appTokenValid(strings.TrimSpace(tok)) {
			return errorResponse(http.StatusForbidden, "Resource not accessible by integration", "https://docs.github.com/rest/users/users#get-the-authenticated-user")
		}
		return nil
	}
	if r.Method == http.MethodGet && r.URL.Path == "/app" {
		return s.getApp(r)
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/app/installations/")
	idText, ok2 := strings.CutSuffix(rest, "/access_tokens")
	if !ok || !ok2 || r.Method != http.MethodPost {
		return nil
	}
	id, _ := strconv.ParseInt(idText, 10, 64)
	in, known := s.apps.installs[id]
	scheme, jwt, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	now := s.now()
	if !strings.EqualFold(scheme, "Bearer") {
		s.apps.refused++
		return errorResponse(http.StatusUnauthorized, "A JSON web token could not be decoded", "https://docs.github.com/rest")
	}
	if !known {
		s.apps.refused++
		return errorResponse(http.StatusNotFound, "Not Found", "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app")
	}
	if err := VerifyAppJWT(jwt, in.AppID, in.Key, now); err != nil {
		s.apps.refused++
		return errorResponse(http.StatusUnauthorized, err.Error(), "https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app")
	}
	tok := "ghs_" + rand.Text()[:20] + fmt.Sprintf("%016d", len(s.apps.minted)+1)
	exp := now.Add(in.TokenTTL).UTC().Truncate(time.Second)
	s.apps.tokens[tok] = appToken{installation: id, expires: exp}
	s.apps.minted = append(s.apps.minted, tok)
	body, _ := json.Marshal(map[string]any{
		"token": tok, "expires_at": exp.Format(time.RFC3339),
		"permissions": in.Permissions, "repository_selection": "all",
	})
	return &response{status: http.StatusCreated, header: jsonHeader(), body: body}
}

// getApp answers GET /app for a JWT signed by a registered App's key.
// https://docs.github.com/rest/apps/apps#get-the-authenticated-app
func (s *Server) getApp(r *http.Request) *response {
	_, jwt, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	for _, in := range s.apps.installs {
		if VerifyAppJWT(jwt, in.AppID, in.Key, s.now()) == nil {
			body, _ := json.Marshal(map[string]any{
				"id": in.AppID, "slug": in.Slug, "name": in.Slug, "html_url": webURL + "/apps/" + in.Slug,
				"owner": s.simpleUser(s.viewer),
			})
			return &response{status: http.StatusOK, header: jsonHeader(), body: body}
		}
	}
	s.apps.refused++
	return errorResponse(http.StatusUnauthorized, "A JSON web token could not be decoded", "https://docs.github.com/rest/apps/apps#get-the-authenticated-app")
}

// errJWTUndecodable is GitHub's own message for a JWT it cannot read.
//
//lint:ignore ST1005 GitHub's words, which the fake repeats
var errJWTUndecodable = errors.New("A JSON web token could not be decoded")

// VerifyAppJWT checks a GitHub App's JWT as GitHub does: RS256 signed by
// key, issued by appID (a number or a string), issued no later than a
// minute from now, not expired, and valid for at most ten minutes.
func VerifyAppJWT(jwt string, appID int64, key *rsa.PublicKey, now time.Time) error {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return errJWTUndecodable
	}
	var header struct{ Alg, Typ string }
	if err := decodeJWTPart(parts[0], &header); err != nil || header.Alg != "RS256" {
		return errJWTUndecodable
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errJWTUndecodable
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if key == nil || rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil {
		return fmt.Errorf("the JWT's signature does not match the App's public key")
	}
	var claims struct {
		Iss json.RawMessage `json:"iss"`
		Iat int64           `json:"iat"`
		Exp int64           `json:"exp"`
	}
	if err := decodeJWTPart(parts[1], &claims); err != nil {
		return errJWTUndecodable
	}
	iss := strings.Trim(string(claims.Iss), `"`)
	switch {
	case iss != strconv.FormatInt(appID, 10):
		return fmt.Errorf("'Issuer' claim ('iss') is not this App's ID")
	case claims.Iat == 0 || time.Unix(claims.Iat, 0).After(now.Add(time.Minute)):
		return fmt.Errorf("'Issued at' claim ('iat') must be an Integer representing a time in the past")
	case claims.Exp == 0 || !time.Unix(claims.Exp, 0).After(now):
		return fmt.Errorf("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")
	case claims.Exp-claims.Iat > 600:
		return fmt.Errorf("'Expiration time' claim ('exp') is too far in the future")
	}
	return nil
}

func decodeJWTPart(part string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
