package fakegithub

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// signJWT is a GitHub App JWT as GitHub documents it: RS256 over
// base64url(header).base64url(claims).
func signJWT(t *testing.T, key *rsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(header) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestVerifyAppJWT(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	rs256 := map[string]any{"alg": "RS256", "typ": "JWT"}
	claims := func(iss any, iat, exp time.Duration) map[string]any {
		return map[string]any{"iss": iss, "iat": now.Add(iat).Unix(), "exp": now.Add(exp).Unix()}
	}
	for _, c := range []struct {
		name string
		jwt  string
		want string // "" accepted, else part of the refusal
	}{
		{"a JWT as GitHub documents it is accepted", signJWT(t, key, rs256, claims(7, -60*time.Second, 9*time.Minute)), ""},
		{"the issuer may be a string", signJWT(t, key, rs256, claims("7", -30*time.Second, 2*time.Minute)), ""},
		{"another key's signature is refused", signJWT(t, other, rs256, claims(7, -60*time.Second, 9*time.Minute)), "signature"},
		{"another App's JWT is refused", signJWT(t, key, rs256, claims(8, -60*time.Second, 9*time.Minute)), "Issuer"},
		{"an expired JWT is refused", signJWT(t, key, rs256, claims(7, -11*time.Minute, -time.Minute)), "Expiration"},
		{"a JWT issued in the future is refused", signJWT(t, key, rs256, claims(7, 2*time.Minute, 9*time.Minute)), "Issued at"},
		{"a JWT valid more than ten minutes is refused", signJWT(t, key, rs256, claims(7, -60*time.Second, 10*time.Minute)), "too far"},
		{"another algorithm is refused", signJWT(t, key, map[string]any{"alg": "none"}, claims(7, -60*time.Second, 9*time.Minute)), "decoded"},
		{"garbage is refused", "not.a.jwt", "decoded"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := VerifyAppJWT(c.jwt, 7, &key.PublicKey, now)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("err = %v, want one saying %q", err, c.want)
			}
		})
	}
}
