package fakegithub

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// AddUser records that a user exists, so that issues can be assigned to it.
// Accounts that own repositories but were never added are organisations.
func (s *Server) AddUser(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[strings.ToLower(login)] = login
}

// SetViewer makes login the owner of the server's token: GET /user returns
// it and it authors the issues it creates. The viewer always exists as a user.
func (s *Server) SetViewer(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setViewer(login)
}

// setViewer is SetViewer with s.mu held.
func (s *Server) setViewer(login string) {
	s.viewer = login
	s.users[strings.ToLower(login)] = login
	s.accountID(login)
}

// user returns the canonical spelling of an existing user's login.
// The caller holds s.mu.
func (s *Server) user(login string) (string, bool) {
	canonical, ok := s.users[strings.ToLower(login)]
	return canonical, ok
}

// accountID returns the id of a user or organisation, assigning the next
// one on first sight; the first viewer, octocat, is 1. The caller holds s.mu.
func (s *Server) accountID(login string) int {
	key := strings.ToLower(login)
	id, ok := s.accountIDs[key]
	if !ok {
		id = len(s.accountIDs) + 1
		s.accountIDs[key] = id
	}
	return id
}

// userJSON is GitHub's "simple user", used for owners, authors and assignees.
type userJSON struct {
	Login             string `json:"login"`
	ID                int    `json:"id"`
	NodeID            string `json:"node_id"`
	AvatarURL         string `json:"avatar_url"`
	GravatarID        string `json:"gravatar_id"`
	URL               string `json:"url"`
	HTMLURL           string `json:"html_url"`
	FollowersURL      string `json:"followers_url"`
	FollowingURL      string `json:"following_url"`
	GistsURL          string `json:"gists_url"`
	StarredURL        string `json:"starred_url"`
	SubscriptionsURL  string `json:"subscriptions_url"`
	OrganizationsURL  string `json:"organizations_url"`
	ReposURL          string `json:"repos_url"`
	EventsURL         string `json:"events_url"`
	ReceivedEventsURL string `json:"received_events_url"`
	Type              string `json:"type"`
	UserViewType      string `json:"user_view_type"`
	SiteAdmin         bool   `json:"site_admin"`
}

// simpleUser renders an account. The caller holds s.mu.
func (s *Server) simpleUser(login string) userJSON {
	id := s.accountID(login)
	kind := "User"
	if _, ok := s.user(login); !ok {
		kind = "Organization"
	}
	u := apiURL + "/users/" + login
	return userJSON{
		Login:             login,
		ID:                id,
		NodeID:            nodeID(kind, id),
		AvatarURL:         fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", id),
		URL:               u,
		HTMLURL:           webURL + "/" + login,
		FollowersURL:      u + "/followers",
		FollowingURL:      u + "/following{/other_user}",
		GistsURL:          u + "/gists{/gist_id}",
		StarredURL:        u + "/starred{/owner}{/repo}",
		SubscriptionsURL:  u + "/subscriptions",
		OrganizationsURL:  u + "/orgs",
		ReposURL:          u + "/repos",
		EventsURL:         u + "/events{/privacy}",
		ReceivedEventsURL: u + "/received_events",
		Type:              kind,
		UserViewType:      "public",
	}
}

// viewerJSON is GitHub's "private user", the answer to GET /user.
type viewerJSON struct {
	userJSON
	Name                    string   `json:"name"`
	Company                 *string  `json:"company"`
	Blog                    string   `json:"blog"`
	Location                *string  `json:"location"`
	Email                   *string  `json:"email"`
	Hireable                *bool    `json:"hireable"`
	Bio                     *string  `json:"bio"`
	TwitterUsername         *string  `json:"twitter_username"`
	NotificationEmail       *string  `json:"notification_email"`
	PublicRepos             int      `json:"public_repos"`
	PublicGists             int      `json:"public_gists"`
	Followers               int      `json:"followers"`
	Following               int      `json:"following"`
	CreatedAt               string   `json:"created_at"`
	UpdatedAt               string   `json:"updated_at"`
	PrivateGists            int      `json:"private_gists"`
	TotalPrivateRepos       int      `json:"total_private_repos"`
	OwnedPrivateRepos       int      `json:"owned_private_repos"`
	DiskUsage               int      `json:"disk_usage"`
	Collaborators           int      `json:"collaborators"`
	TwoFactorAuthentication bool     `json:"two_factor_authentication"`
	Plan                    planJSON `json:"plan"`
}

// planJSON is the viewer's billing plan.
type planJSON struct {
	Name          string `json:"name"`
	Space         int    `json:"space"`
	Collaborators int    `json:"collaborators"`
	PrivateRepos  int    `json:"private_repos"`
}

// getViewer serves GET /user.
// https://docs.github.com/rest/users/users#get-the-authenticated-user
func (s *Server) getViewer(w http.ResponseWriter, r *http.Request) {
	v := viewerJSON{
		userJSON:                s.simpleUser(s.viewer),
		Name:                    s.viewer,
		Blog:                    "",
		PublicRepos:             0,
		CreatedAt:               "2011-01-25T18:44:36Z",
		UpdatedAt:               "2025-12-01T10:00:00Z",
		TwoFactorAuthentication: true,
		Plan:                    planJSON{Name: "pro", Space: 976562499, Collaborators: 0, PrivateRepos: 9999},
	}
	if s.viewer == "octocat" {
		v.Name = "The Octocat"
		v.Company, v.Location = ptr("@github"), ptr("San Francisco")
		v.Blog = "https://github.blog"
	}
	for _, repo := range s.repos {
		if !strings.EqualFold(repo.Owner, s.viewer) {
			continue
		}
		if repo.Private {
			v.TotalPrivateRepos++
			v.OwnedPrivateRepos++
		} else {
			v.PublicRepos++
		}
	}
	writeJSON(w, http.StatusOK, v)
}

// nodeID builds a legacy GraphQL node id such as "MDQ6VXNlcjE=" (for
// "04:User1"), the form GitHub still returns for older objects.
func nodeID(kind string, id int) string {
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "0%d:%s%d", len(kind), kind, id))
}

// ptr returns a pointer to v, for the nullable fields of GitHub's JSON.
func ptr[T any](v T) *T { return &v }
