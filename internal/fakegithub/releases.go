package fakegithub

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Release describes a release added with AddRelease. Its tag is created at
// the head of the default branch if it does not exist yet.
type Release struct {
	Tag, Name, Body   string
	Draft, Prerelease bool
	PublishedAt       time.Time // zero: now (nil for drafts)
	Assets            []Asset
}

// Asset is a file attached to a release.
type Asset struct {
	Name      string
	Size      int
	Downloads int
}

// releaseState is a release and what GitHub remembers about it besides.
type releaseState struct {
	Release
	id      int
	author  string
	created time.Time
	target  string // branch the tag was made from
}

// AddRelease adds a release to owner/repo, authored by the viewer. It
// panics if the repository was not added first.
func (s *Server) AddRelease(owner, repo string, r Release) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mustRepo("AddRelease", owner, repo)
	c := s.code(st)
	target := defaultBranch(st)
	if _, ok := c.tags[r.Tag]; !ok {
		c.tags[r.Tag] = c.branches[target]
	}
	now := s.now()
	if r.PublishedAt.IsZero() && !r.Draft {
		r.PublishedAt = now
	}
	r.Assets = slices.Clone(r.Assets)
	s.nextID++
	c.releases = append(c.releases, &releaseState{Release: r, id: s.nextID, author: s.viewer, created: now, target: target})
}

// releaseJSON is GitHub's "release".
type releaseJSON struct {
	URL             string      `json:"url"`
	AssetsURL       string      `json:"assets_url"`
	UploadURL       string      `json:"upload_url"`
	HTMLURL         string      `json:"html_url"`
	ID              int         `json:"id"`
	Author          userJSON    `json:"author"`
	NodeID          string      `json:"node_id"`
	TagName         string      `json:"tag_name"`
	TargetCommitish string      `json:"target_commitish"`
	Name            *string     `json:"name"`
	Draft           bool        `json:"draft"`
	Prerelease      bool        `json:"prerelease"`
	CreatedAt       string      `json:"created_at"`
	PublishedAt     *string     `json:"published_at"`
	Assets          []assetJSON `json:"assets"`
	TarballURL      string      `json:"tarball_url"`
	ZipballURL      string      `json:"zipball_url"`
	Body            *string     `json:"body"`
	MentionsCount   int         `json:"mentions_count,omitempty"`
}

// assetJSON is GitHub's "release asset".
type assetJSON struct {
	URL                string   `json:"url"`
	ID                 int      `json:"id"`
	NodeID             string   `json:"node_id"`
	Name               string   `json:"name"`
	Label              string   `json:"label"`
	Uploader           userJSON `json:"uploader"`
	ContentType        string   `json:"content_type"`
	State              string   `json:"state"`
	Size               int      `json:"size"`
	DownloadCount      int      `json:"download_count"`
	CreatedAt          string   `json:"created_at"`
	UpdatedAt          string   `json:"updated_at"`
	BrowserDownloadURL string   `json:"browser_download_url"`
}

// releaseJSON renders a release. The caller holds s.mu.
func (s *Server) releaseJSON(repo *repoState, rel *releaseState) releaseJSON {
	api, web := repoURLs(repo)
	u := fmt.Sprintf("%s/releases/%d", api, rel.id)
	tag := url.PathEscape(rel.Tag)
	j := releaseJSON{
		URL:             u,
		AssetsURL:       u + "/assets",
		UploadURL:       fmt.Sprintf("https://uploads.github.com/repos/%s/%s/releases/%d/assets{?name,label}", repo.Owner, repo.Name, rel.id),
		HTMLURL:         web + "/releases/tag/" + tag,
		ID:              rel.id,
		Author:          s.simpleUser(rel.author),
		NodeID:          nodeID("Release", rel.id),
		TagName:         rel.Tag,
		TargetCommitish: rel.target,
		Name:            nullable(rel.Name),
		Draft:           rel.Draft,
		Prerelease:      rel.Prerelease,
		CreatedAt:       timestamp(rel.created),
		Assets:          []assetJSON{},
		TarballURL:      api + "/tarball/" + tag,
		ZipballURL:      api + "/zipball/" + tag,
		Body:            nullable(rel.Body),
	}
	if !rel.PublishedAt.IsZero() {
		j.PublishedAt = ptr(timestamp(rel.PublishedAt))
	}
	for i, a := range rel.Assets {
		id := rel.id*100 + i + 1
		j.Assets = append(j.Assets, assetJSON{
			URL:                fmt.Sprintf("%s/releases/assets/%d", api, id),
			ID:                 id,
			NodeID:             nodeID("ReleaseAsset", id),
			Name:               a.Name,
			Uploader:           s.simpleUser(rel.author),
			ContentType:        "application/octet-stream",
			State:              "uploaded",
			Size:               a.Size,
			DownloadCount:      a.Downloads,
			CreatedAt:          timestamp(rel.created),
			UpdatedAt:          timestamp(rel.created),
			BrowserDownloadURL: web + "/releases/download/" + tag + "/" + url.PathEscape(a.Name),
		})
	}
	return j
}

// newestReleases lists a repository's releases, newest first.
func newestReleases(c *codeState) []*releaseState {
	out := slices.Clone(c.releases)
	slices.Reverse(out)
	return out
}

// listReleases serves GET /repos/{owner}/{repo}/releases, newest first.
// https://docs.github.com/rest/releases/releases#list-releases
func (s *Server) listReleases(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/releases/releases#list-releases")
		return
	}
	rels := newestReleases(s.code(repo))
	out := []releaseJSON{}
	for _, rel := range paginate(w, r, repoLinkBase(repo, r), rels) {
		out = append(out, s.releaseJSON(repo, rel))
	}
	writeJSON(w, http.StatusOK, out)
}

// getLatestRelease serves GET /repos/{owner}/{repo}/releases/latest: the
// most recently published release that is neither a draft nor a
// prerelease.
// https://docs.github.com/rest/releases/releases#get-the-latest-release
func (s *Server) getLatestRelease(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/releases/releases#get-the-latest-release"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var latest *releaseState
	for _, rel := range s.code(repo).releases {
		if !rel.Draft && !rel.Prerelease && (latest == nil || !rel.PublishedAt.Before(latest.PublishedAt)) {
			latest = rel
		}
	}
	if latest == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	writeJSON(w, http.StatusOK, s.releaseJSON(repo, latest))
}

// getReleaseByTag serves GET /repos/{owner}/{repo}/releases/tags/{tag}.
// Drafts are not found by tag, as on GitHub.
// https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name
func (s *Server) getReleaseByTag(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	for _, rel := range newestReleases(s.code(repo)) {
		if rel.Tag == r.PathValue("tag") && !rel.Draft {
			writeJSON(w, http.StatusOK, s.releaseJSON(repo, rel))
			return
		}
	}
	writeError(w, http.StatusNotFound, "Not Found", doc)
}

// cmdRelease runs "release add OWNER/NAME TAG [published=TIME]".
func (s *Server) cmdRelease(args []string) error {
	words, text, opts, err := cmdOptions("release", args, 3, "published")
	if err != nil {
		return err
	}
	if words[0] != "add" || text != "" {
		return usage("release")
	}
	owner, repo, err := s.cmdRepoArg("release", words[1])
	if err != nil {
		return err
	}
	published, err := cmdTime("release", "published", opts["published"])
	if err != nil {
		return err
	}
	s.AddRelease(owner, repo, Release{Tag: words[2], PublishedAt: published})
	return nil
}
