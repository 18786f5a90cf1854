package tools

import (
	"context"
	"net/http"
	"strings"

	"github.com/ghmcp/ghmcp/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// GetMeArgs are the arguments of get_me: none.
type GetMeArgs struct{}

// AuthenticatedUser is who the token acts as.
type AuthenticatedUser struct {
	Login   string            `json:"login"`
	Name    toolkit.Untrusted `json:"name,omitempty"`
	Type    string            `json:"type" jsonschema:"User, Bot or Organization"`
	HTMLURL string            `json:"html_url"`
	// Scopes is a pointer so that a classic token without scopes ([]) and
	// a fine-grained token (absent) stay apart.
	Scopes *[]string `json:"scopes,omitempty" jsonschema:"OAuth scopes of a classic token; absent for fine-grained and app tokens, whose permissions GitHub does not report"`
	// Token is what ghmcp learned of the token against the enabled tools
	// (least privilege): its kind, scopes it need not have, permissions
	// GitHub said it lacks.
	Token *github.Report `json:"token,omitempty"`
}

// contextTools are the context toolset.
func contextTools() []toolkit.Tool {
	return []toolkit.Tool{
		getMe(),
	}
}

// getMe calls GET /user.
// https://docs.github.com/rest/users/users#get-the-authenticated-user
func getMe() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_me",
		Toolset: ToolsetContext,
		Kind:    toolkit.Read,
		Desc:    "Get the user the token acts as, and a classic token's OAuth scopes; for a GitHub App, its installation and the permissions of its token. Use it to learn your own login.",
	}, func(ctx context.Context, d toolkit.Deps, _ GetMeArgs) (AuthenticatedUser, error) {
		what := "get the authenticated user"
		// A GitHub App's installation token may not read GET /user
		// (GitHub answers 403): the installation is who ghmcp acts as.
		if inst, err := d.Permissions.Installation(ctx); err != nil || inst != nil {
			if err != nil {
				return AuthenticatedUser{}, toolkit.Op(what, err)
			}
			return AuthenticatedUser{Login: inst.AppSlug + "[bot]", Type: "Bot", HTMLURL: inst.AppURL, Token: d.Permissions.Report()}, nil
		}
		u, resp, err := d.GitHub.Users.Get(ctx, "")
		if err != nil {
			return AuthenticatedUser{}, toolkit.Op(what, err)
		}
		out := AuthenticatedUser{
			Login:   u.GetLogin(),
			Name:    untrusted(u.GetName()),
			Type:    u.GetType(),
			HTMLURL: u.GetHTMLURL(),
		}
		if resp != nil {
			out.Scopes = oauthScopes(resp.Header)
		}
		// After GET /user, so the recorder has seen its headers.
		if out.Token = d.Permissions.Report(); out.Token != nil {
			out.Token.Scopes = nil // already in scopes
		}
		return out, nil
	})
}

// oauthScopes reads the X-OAuth-Scopes header GitHub sends for classic
// tokens ("repo, read:org"); nil when the header is absent, as it is for
// fine-grained and GitHub App tokens.
func oauthScopes(h http.Header) *[]string {
	values, ok := h[http.CanonicalHeaderKey("X-OAuth-Scopes")]
	if !ok {
		return nil
	}
	scopes := []string{}
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				scopes = append(scopes, s)
			}
		}
	}
	return &scopes
}
