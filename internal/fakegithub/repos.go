package fakegithub

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Repo describes a repository added with AddRepo. Empty fields get GitHub's
// empty values: a null description, language and license, "main" as the
// default branch, a null pushed_at.
type Repo struct {
	Owner, Name, Description string
	Private, Archived        bool
	DefaultBranch, Language  string
	License                  string // SPDX id, e.g. "MIT"
	Topics                   []string
	Stars, Forks             int
	PushedAt                 time.Time
}

// repoState is a repository and everything created in it.
type repoState struct {
	Repo
	id         int
	issues     []*issueState // issue n is issues[n-1]
	labels     map[string]*labelState
	milestones []*milestoneState // milestone n is milestones[n-1]
	code       *codeState        // history and releases, made on first use (git.go)
}

// createdAt is when every fake repository was created.
var createdAt = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)

// AddRepo adds a repository, or replaces the description of an existing
// one with the same owner/name (its issues are kept).
func (s *Server) AddRepo(r Repo) {
	r.Topics = slices.Clone(r.Topics)
	s.mu.Lock()
	defer s.mu.Unlock()
	key := repoKey(r.Owner, r.Name)
	if st := s.repos[key]; st != nil {
		st.Repo = r
		return
	}
	s.nextID++
	s.repos[key] = &repoState{Repo: r, id: s.nextID, labels: map[string]*labelState{}}
	s.accountID(r.Owner)
}

// repoKey is the map key of a repository; GitHub's names are case-insensitive.
func repoKey(owner, name string) string {
	return strings.ToLower(owner + "/" + name)
}

// lookupRepo finds the repository named in a request's path. The caller
// holds s.mu.
func (s *Server) lookupRepo(r *http.Request) *repoState {
	return s.repos[repoKey(r.PathValue("owner"), r.PathValue("repo"))]
}

// getRepo serves GET /repos/{owner}/{repo}.
// https://docs.github.com/rest/repos/repos#get-a-repository
func (s *Server) getRepo(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/repos/repos#get-a-repository")
		return
	}
	writeJSON(w, http.StatusOK, s.repoJSON(repo))
}

// listViewerRepos serves GET /user/repos: the viewer sees every repository
// of the fake. Sorts: full_name (the default, ascending), pushed and
// updated (both by push time, newest first), with direction and paging.
// https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user
func (s *Server) listViewerRepos(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	repos := s.sortedRepos()
	byPush := q.Get("sort") == "pushed" || q.Get("sort") == "updated"
	if byPush {
		slices.SortStableFunc(repos, func(a, b *repoState) int { return b.PushedAt.Compare(a.PushedAt) })
	}
	if d := q.Get("direction"); (d == "asc" && byPush) || (d == "desc" && !byPush) {
		slices.Reverse(repos)
	}
	out := []repoJSON{}
	for _, repo := range paginate(w, r, apiURL+"/user/repos", repos) {
		out = append(out, s.repoJSON(repo))
	}
	writeJSON(w, http.StatusOK, out)
}

// minimalRepoJSON is GitHub's "minimal repository" as embedded in a
// workflow run: the repository's identity and URL templates, which the
// full repository starts with.
type minimalRepoJSON struct {
	ID               int      `json:"id"`
	NodeID           string   `json:"node_id"`
	Name             string   `json:"name"`
	FullName         string   `json:"full_name"`
	Private          bool     `json:"private"`
	Owner            userJSON `json:"owner"`
	HTMLURL          string   `json:"html_url"`
	Description      *string  `json:"description"`
	Fork             bool     `json:"fork"`
	URL              string   `json:"url"`
	ForksURL         string   `json:"forks_url"`
	KeysURL          string   `json:"keys_url"`
	CollaboratorsURL string   `json:"collaborators_url"`
	TeamsURL         string   `json:"teams_url"`
	HooksURL         string   `json:"hooks_url"`
	IssueEventsURL   string   `json:"issue_events_url"`
	EventsURL        string   `json:"events_url"`
	AssigneesURL     string   `json:"assignees_url"`
	BranchesURL      string   `json:"branches_url"`
	TagsURL          string   `json:"tags_url"`
	BlobsURL         string   `json:"blobs_url"`
	GitTagsURL       string   `json:"git_tags_url"`
	GitRefsURL       string   `json:"git_refs_url"`
	TreesURL         string   `json:"trees_url"`
	StatusesURL      string   `json:"statuses_url"`
	LanguagesURL     string   `json:"languages_url"`
	StargazersURL    string   `json:"stargazers_url"`
	ContributorsURL  string   `json:"contributors_url"`
	SubscribersURL   string   `json:"subscribers_url"`
	SubscriptionURL  string   `json:"subscription_url"`
	CommitsURL       string   `json:"commits_url"`
	GitCommitsURL    string   `json:"git_commits_url"`
	CommentsURL      string   `json:"comments_url"`
	IssueCommentURL  string   `json:"issue_comment_url"`
	ContentsURL      string   `json:"contents_url"`
	CompareURL       string   `json:"compare_url"`
	MergesURL        string   `json:"merges_url"`
	ArchiveURL       string   `json:"archive_url"`
	DownloadsURL     string   `json:"downloads_url"`
	IssuesURL        string   `json:"issues_url"`
	PullsURL         string   `json:"pulls_url"`
	MilestonesURL    string   `json:"milestones_url"`
	NotificationsURL string   `json:"notifications_url"`
	LabelsURL        string   `json:"labels_url"`
	ReleasesURL      string   `json:"releases_url"`
	DeploymentsURL   string   `json:"deployments_url"`
}

// repoJSON is GitHub's "full repository", field for field and in the same
// order, so that its size matches GitHub's (about 5-6 KB).
type repoJSON struct {
	minimalRepoJSON
	CreatedAt                 string            `json:"created_at"`
	UpdatedAt                 string            `json:"updated_at"`
	PushedAt                  *string           `json:"pushed_at"`
	GitURL                    string            `json:"git_url"`
	SSHURL                    string            `json:"ssh_url"`
	CloneURL                  string            `json:"clone_url"`
	SvnURL                    string            `json:"svn_url"`
	Homepage                  *string           `json:"homepage"`
	Size                      int               `json:"size"`
	StargazersCount           int               `json:"stargazers_count"`
	WatchersCount             int               `json:"watchers_count"`
	Language                  *string           `json:"language"`
	HasIssues                 bool              `json:"has_issues"`
	HasProjects               bool              `json:"has_projects"`
	HasDownloads              bool              `json:"has_downloads"`
	HasWiki                   bool              `json:"has_wiki"`
	HasPages                  bool              `json:"has_pages"`
	HasDiscussions            bool              `json:"has_discussions"`
	ForksCount                int               `json:"forks_count"`
	MirrorURL                 *string           `json:"mirror_url"`
	Archived                  bool              `json:"archived"`
	Disabled                  bool              `json:"disabled"`
	OpenIssuesCount           int               `json:"open_issues_count"`
	License                   *licenseJSON      `json:"license"`
	AllowForking              bool              `json:"allow_forking"`
	IsTemplate                bool              `json:"is_template"`
	WebCommitSignoffRequired  bool              `json:"web_commit_signoff_required"`
	Topics                    []string          `json:"topics"`
	Visibility                string            `json:"visibility"`
	Forks                     int               `json:"forks"`
	OpenIssues                int               `json:"open_issues"`
	Watchers                  int               `json:"watchers"`
	DefaultBranch             string            `json:"default_branch"`
	Permissions               permissionsJSON   `json:"permissions"`
	TempCloneToken            string            `json:"temp_clone_token"`
	AllowSquashMerge          bool              `json:"allow_squash_merge"`
	AllowMergeCommit          bool              `json:"allow_merge_commit"`
	AllowRebaseMerge          bool              `json:"allow_rebase_merge"`
	AllowAutoMerge            bool              `json:"allow_auto_merge"`
	DeleteBranchOnMerge       bool              `json:"delete_branch_on_merge"`
	AllowUpdateBranch         bool              `json:"allow_update_branch"`
	UseSquashPRTitleAsDefault bool              `json:"use_squash_pr_title_as_default"`
	SquashMergeCommitMessage  string            `json:"squash_merge_commit_message"`
	SquashMergeCommitTitle    string            `json:"squash_merge_commit_title"`
	MergeCommitMessage        string            `json:"merge_commit_message"`
	MergeCommitTitle          string            `json:"merge_commit_title"`
	CustomProperties          map[string]string `json:"custom_properties"`
	Organization              *userJSON         `json:"organization,omitempty"`
	SecurityAndAnalysis       securityJSON      `json:"security_and_analysis"`
	NetworkCount              int               `json:"network_count"`
	SubscribersCount          int               `json:"subscribers_count"`
}

// permissionsJSON is what the viewer may do in a repository.
type permissionsJSON struct {
	Admin    bool `json:"admin"`
	Maintain bool `json:"maintain"`
	Push     bool `json:"push"`
	Triage   bool `json:"triage"`
	Pull     bool `json:"pull"`
}

// statusJSON is an {"status": "enabled"} switch.
type statusJSON struct {
	Status string `json:"status"`
}

// securityJSON is a repository's security_and_analysis settings.
type securityJSON struct {
	SecretScanning                    statusJSON `json:"secret_scanning"`
	SecretScanningPushProtection      statusJSON `json:"secret_scanning_push_protection"`
	DependabotSecurityUpdates         statusJSON `json:"dependabot_security_updates"`
	SecretScanningNonProviderPatterns statusJSON `json:"secret_scanning_non_provider_patterns"`
	SecretScanningValidityChecks      statusJSON `json:"secret_scanning_validity_checks"`
}

// licenseJSON is GitHub's "license simple".
type licenseJSON struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	SPDXID string `json:"spdx_id"`
	URL    string `json:"url"`
	NodeID string `json:"node_id"`
}

// licenses lists the licenses GitHub knows best, with the number in their
// node id (MIT's is "MDc6TGljZW5zZTEz", that is "07:License13").
var licenses = map[string]struct {
	name string
	id   int
}{
	"AGPL-3.0":     {"GNU Affero General Public License v3.0", 1},
	"Apache-2.0":   {"Apache License 2.0", 2},
	"BSD-2-Clause": {`BSD 2-Clause "Simplified" License`, 4},
	"BSD-3-Clause": {`BSD 3-Clause "New" or "Revised" License`, 5},
	"GPL-2.0":      {"GNU General Public License v2.0", 8},
	"GPL-3.0":      {"GNU General Public License v3.0", 9},
	"LGPL-3.0":     {"GNU Lesser General Public License v3.0", 12},
	"MIT":          {"MIT License", 13},
	"MPL-2.0":      {"Mozilla Public License 2.0", 14},
	"Unlicense":    {"The Unlicense", 15},
}

// license renders an SPDX id, or nil for none. Unknown ids are rendered
// with the id as their name.
func license(spdx string) *licenseJSON {
	if spdx == "" {
		return nil
	}
	l, ok := licenses[spdx]
	if !ok {
		l.name = spdx
	}
	key := strings.ToLower(spdx)
	return &licenseJSON{
		Key:    key,
		Name:   l.name,
		SPDXID: spdx,
		URL:    apiURL + "/licenses/" + key,
		NodeID: nodeID("License", l.id),
	}
}

// repoJSON renders a repository as the viewer sees it. The caller holds s.mu.
func (s *Server) repoJSON(st *repoState) repoJSON {
	full := st.Owner + "/" + st.Name
	u := apiURL + "/repos/" + full
	html := webURL + "/" + full
	owner := s.simpleUser(st.Owner)
	isOwner := strings.EqualFold(st.Owner, s.viewer)

	updated := createdAt
	var pushed *string
	if !st.PushedAt.IsZero() {
		pushed = ptr(timestamp(st.PushedAt))
		updated = st.PushedAt
	}
	visibility := "public"
	if st.Private {
		visibility = "private"
	}
	branch := st.DefaultBranch
	if branch == "" {
		branch = "main"
	}
	topics := st.Topics
	if topics == nil {
		topics = []string{}
	}
	open := st.openIssues()

	j := repoJSON{
		minimalRepoJSON: minimalRepoJSON{
			ID:               st.id,
			NodeID:           nodeID("Repository", st.id),
			Name:             st.Name,
			FullName:         full,
			Private:          st.Private,
			Owner:            owner,
			HTMLURL:          html,
			Description:      nullable(st.Description),
			URL:              u,
			ForksURL:         u + "/forks",
			KeysURL:          u + "/keys{/key_id}",
			CollaboratorsURL: u + "/collaborators{/collaborator}",
			TeamsURL:         u + "/teams",
			HooksURL:         u + "/hooks",
			IssueEventsURL:   u + "/issues/events{/number}",
			EventsURL:        u + "/events",
			AssigneesURL:     u + "/assignees{/user}",
			BranchesURL:      u + "/branches{/branch}",
			TagsURL:          u + "/tags",
			BlobsURL:         u + "/git/blobs{/sha}",
			GitTagsURL:       u + "/git/tags{/sha}",
			GitRefsURL:       u + "/git/refs{/sha}",
			TreesURL:         u + "/git/trees{/sha}",
			StatusesURL:      u + "/statuses/{sha}",
			LanguagesURL:     u + "/languages",
			StargazersURL:    u + "/stargazers",
			ContributorsURL:  u + "/contributors",
			SubscribersURL:   u + "/subscribers",
			SubscriptionURL:  u + "/subscription",
			CommitsURL:       u + "/commits{/sha}",
			GitCommitsURL:    u + "/git/commits{/sha}",
			CommentsURL:      u + "/comments{/number}",
			IssueCommentURL:  u + "/issues/comments{/number}",
			ContentsURL:      u + "/contents/{+path}",
			CompareURL:       u + "/compare/{base}...{head}",
			MergesURL:        u + "/merges",
			ArchiveURL:       u + "/{archive_format}{/ref}",
			DownloadsURL:     u + "/downloads",
			IssuesURL:        u + "/issues{/number}",
			PullsURL:         u + "/pulls{/number}",
			MilestonesURL:    u + "/milestones{/number}",
			NotificationsURL: u + "/notifications{?since,all,participating}",
			LabelsURL:        u + "/labels{/name}",
			ReleasesURL:      u + "/releases{/id}",
			DeploymentsURL:   u + "/deployments",
		},
		CreatedAt:                 timestamp(createdAt),
		UpdatedAt:                 timestamp(updated),
		PushedAt:                  pushed,
		GitURL:                    "git://github.com/" + full + ".git",
		SSHURL:                    "git@github.com:" + full + ".git",
		CloneURL:                  html + ".git",
		SvnURL:                    html,
		Homepage:                  ptr(""),
		Size:                      1432,
		StargazersCount:           st.Stars,
		WatchersCount:             st.Stars,
		Language:                  nullable(st.Language),
		HasIssues:                 true,
		HasProjects:               true,
		HasDownloads:              true,
		HasWiki:                   !st.Private,
		HasPages:                  false,
		HasDiscussions:            false,
		ForksCount:                st.Forks,
		Archived:                  st.Archived,
		OpenIssuesCount:           open,
		License:                   license(st.License),
		AllowForking:              true,
		Topics:                    topics,
		Visibility:                visibility,
		Forks:                     st.Forks,
		OpenIssues:                open,
		Watchers:                  st.Stars,
		DefaultBranch:             branch,
		Permissions:               permissionsJSON{Admin: isOwner, Maintain: isOwner, Push: true, Triage: true, Pull: true},
		AllowSquashMerge:          true,
		AllowMergeCommit:          true,
		AllowRebaseMerge:          true,
		SquashMergeCommitMessage:  "COMMIT_MESSAGES",
		SquashMergeCommitTitle:    "COMMIT_OR_PR_TITLE",
		MergeCommitMessage:        "PR_TITLE",
		MergeCommitTitle:          "MERGE_MESSAGE",
		CustomProperties:          map[string]string{},
		UseSquashPRTitleAsDefault: false,
		SecurityAndAnalysis: securityJSON{
			SecretScanning:                    statusJSON{"enabled"},
			SecretScanningPushProtection:      statusJSON{"enabled"},
			DependabotSecurityUpdates:         statusJSON{"disabled"},
			SecretScanningNonProviderPatterns: statusJSON{"disabled"},
			SecretScanningValidityChecks:      statusJSON{"disabled"},
		},
		NetworkCount:     st.Forks,
		SubscribersCount: st.Stars/10 + 1,
	}
	if owner.Type == "Organization" {
		j.Organization = &owner
	}
	return j
}

// openIssues counts a repository's open issues.
func (st *repoState) openIssues() int {
	n := 0
	for _, is := range st.issues {
		if is.State == "open" {
			n++
		}
	}
	return n
}

// timestamp formats t like GitHub: UTC, whole seconds.
func timestamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// nullable turns an empty string into JSON null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
