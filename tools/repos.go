package tools

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// RepoArgs names a repository.
type RepoArgs struct {
	Owner string `json:"owner" ghmcp:"owner"`
	Repo  string `json:"repo" ghmcp:"repo"`
}

func (a RepoArgs) String() string { return a.Owner + "/" + a.Repo }

// RepositoryDetails is the compact summary of a repository.
type RepositoryDetails struct {
	FullName      string            `json:"full_name"`
	Description   toolkit.Untrusted `json:"description,omitempty"`
	Visibility    string            `json:"visibility"`
	DefaultBranch string            `json:"default_branch"`
	Stars         int               `json:"stars"`
	Forks         int               `json:"forks"`
	OpenIssues    int               `json:"open_issues" jsonschema:"Open issues plus open pull requests"`
	Topics        []string          `json:"topics,omitempty"`
	License       string            `json:"license,omitempty" jsonschema:"SPDX id"`
	Language      string            `json:"language,omitempty"`
	Archived      bool              `json:"archived"`
	Fork          bool              `json:"fork,omitempty"`
	HTMLURL       string            `json:"html_url"`
	PushedAt      string            `json:"pushed_at,omitempty"`
}

// repoTools are the repos toolset.
func repoTools() []toolkit.Tool {
	return []toolkit.Tool{
		getRepositoryDetails(),
		searchRepositories(),
		listBranches(),
		getFileContents(),
		listCommits(),
		getCommit(),
		createBranch(),
		createOrUpdateFile(),
		listReleases(),
		getLatestRelease(),
	}
}

// getRepositoryDetails calls GET /repos/{owner}/{repo}.
// https://docs.github.com/rest/repos/repos#get-a-repository
func getRepositoryDetails() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_repository_details",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "Get a repository's summary: description, visibility, default branch, stars, forks, open issues, topics, license, language, archived, URL, last push.",
	}, func(ctx context.Context, d toolkit.Deps, in RepoArgs) (RepositoryDetails, error) {
		what := "get repository " + in.String()
		r, _, err := d.GitHub.Repositories.Get(ctx, in.Owner, in.Repo)
		if err != nil {
			return RepositoryDetails{}, toolkit.Op(what, err)
		}
		out := RepositoryDetails{
			FullName:      r.GetFullName(),
			Description:   untrusted(r.GetDescription()),
			Visibility:    r.GetVisibility(),
			DefaultBranch: r.GetDefaultBranch(),
			Stars:         r.GetStargazersCount(),
			Forks:         r.GetForksCount(),
			OpenIssues:    r.GetOpenIssuesCount(),
			Topics:        r.Topics,
			License:       r.GetLicense().GetSPDXID(),
			Language:      r.GetLanguage(),
			Archived:      r.GetArchived(),
			Fork:          r.GetFork(),
			HTMLURL:       r.GetHTMLURL(),
			PushedAt:      timeString(r.PushedAt.GetTime()),
		}
		if out.Visibility == "" {
			out.Visibility = "public"
			if r.GetPrivate() {
				out.Visibility = "private"
			}
		}
		if out.License == "NOASSERTION" {
			out.License = "other"
		}
		return out, nil
	})
}

// Caps on the text a repos tool returns. Each cut is marked truncated and
// the result or the tool description says how to read on.
const (
	fileCap          = 64 << 10 // file content per get_file_contents call
	commitMessageCap = 8 << 10  // a commit message in get_commit
	commitPatchCap   = 6 << 10  // one file's patch in get_commit
	patchTotalCap    = 30 << 10 // all patches of one get_commit page
	firstLineCap     = 300      // a commit message's first line in lists
	releaseListCap   = 500      // a release body in list_releases
	releaseBodyCap   = 32 << 10 // a release body in get_latest_release
)

// statusOf is the HTTP status of a GitHub error answer, or 0.
func statusOf(err error) (int, *gh.ErrorResponse) {
	var e *gh.ErrorResponse
	if errors.As(err, &e) && e.Response != nil {
		return e.Response.StatusCode, e
	}
	return 0, nil
}

// RepoItem is a repository in a list: the fields of RepositoryDetails a
// model uses to pick one.
type RepoItem struct {
	FullName    string   `json:"full_name"`
	Description string   `json:"description,omitempty"`
	Visibility  string   `json:"visibility"`
	Stars       int      `json:"stars"`
	Forks       int      `json:"forks"`
	Language    string   `json:"language,omitempty"`
	Topics      []string `json:"topics,omitempty"`
	Archived    bool     `json:"archived,omitempty"`
	Fork        bool     `json:"fork,omitempty"`
	PushedAt    string   `json:"pushed_at,omitempty"`
}

// SearchRepositoriesArgs are the arguments of search_repositories.
type SearchRepositoriesArgs struct {
	Q     string `json:"q" jsonschema:"e.g. \"mcp language:go stars:>9\"" ghmcp:"len=256"`
	Sort  string `json:"sort,omitempty" ghmcp:"enum=stars|forks|updated"`
	Order string `json:"order,omitempty" ghmcp:"enum=asc|desc"`
	PageArgs
}

// RepoSearchResult is a page of repositories found.
type RepoSearchResult struct {
	TotalCount int        `json:"total_count"`
	Incomplete bool       `json:"incomplete_results,omitempty" jsonschema:"GitHub timed out; the results may miss matches"`
	Items      []RepoItem `json:"items"`
	NextPage   int        `json:"next_page,omitempty"`
}

// searchRepositories calls GET /search/repositories.
// https://docs.github.com/rest/search/search#search-repositories
func searchRepositories() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "search_repositories",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "Search repositories.",
	}, func(ctx context.Context, d toolkit.Deps, in SearchRepositoriesArgs) (RepoSearchResult, error) {
		what := fmt.Sprintf("search repositories for %q", in.Q)
		if strings.TrimSpace(in.Q) == "" {
			return RepoSearchResult{}, &toolkit.ArgError{Arg: "q", Problem: "must not be empty", Example: `"cli language:go"`}
		}
		q, err := d.Repos.ScopeQuery(in.Q)
		if err != nil {
			return RepoSearchResult{}, toolkit.Op(what, err)
		}
		res, resp, err := d.GitHub.Search.Repositories(ctx, q, &gh.SearchOptions{Sort: in.Sort, Order: in.Order, ListOptions: in.listOptions()})
		if err != nil {
			return RepoSearchResult{}, toolkit.Op(what, err)
		}
		out := RepoSearchResult{TotalCount: res.GetTotal(), Incomplete: res.GetIncompleteResults(), Items: []RepoItem{}, NextPage: nextPage(resp)}
		for _, r := range res.Repositories {
			if !d.Repos.AllowedFullName(r.GetFullName()) {
				continue // --repos: OR and parentheses can widen a scoped query
			}
			visibility := r.GetVisibility()
			if visibility == "" {
				visibility = "public"
				if r.GetPrivate() {
					visibility = "private"
				}
			}
			out.Items = append(out.Items, RepoItem{
				FullName:    r.GetFullName(),
				Description: r.GetDescription(),
				Visibility:  visibility,
				Stars:       r.GetStargazersCount(),
				Forks:       r.GetForksCount(),
				Language:    r.GetLanguage(),
				Topics:      r.Topics,
				Archived:    r.GetArchived(),
				Fork:        r.GetFork(),
				PushedAt:    timeString(r.PushedAt.GetTime()),
			})
		}
		return out, nil
	})
}

// ListBranchesArgs are the arguments of list_branches.
type ListBranchesArgs struct {
	RepoArgs
	Protected bool `json:"protected,omitempty" jsonschema:"Only protected branches"`
	PageArgs
}

// Branch is a branch and the commit at its tip.
type Branch struct {
	Name      string `json:"name"`
	SHA       string `json:"sha"`
	Protected bool   `json:"protected,omitempty"`
}

// BranchList is a page of branches.
type BranchList struct {
	Branches []Branch `json:"branches"`
	NextPage int      `json:"next_page,omitempty"`
}

// listBranches calls GET /repos/{owner}/{repo}/branches.
// https://docs.github.com/rest/branches/branches#list-branches
func listBranches() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_branches",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "List branches and their head SHAs.",
	}, func(ctx context.Context, d toolkit.Deps, in ListBranchesArgs) (BranchList, error) {
		what := "list branches of " + in.RepoArgs.String()
		opts := &gh.BranchListOptions{ListOptions: in.listOptions()}
		if in.Protected {
			opts.Protected = &in.Protected
		}
		bs, resp, err := d.GitHub.Repositories.ListBranches(ctx, in.Owner, in.Repo, opts)
		if err != nil {
			return BranchList{}, toolkit.Op(what, err)
		}
		out := BranchList{Branches: []Branch{}, NextPage: nextPage(resp)}
		for _, b := range bs {
			out.Branches = append(out.Branches, Branch{Name: b.GetName(), SHA: b.GetCommit().GetSHA(), Protected: b.GetProtected()})
		}
		return out, nil
	})
}

// GetFileContentsArgs are the arguments of get_file_contents.
type GetFileContentsArgs struct {
	RepoArgs
	Path   string `json:"path,omitempty" jsonschema:"Omit for the root" ghmcp:"path,quiet"`
	Ref    string `json:"ref,omitempty" ghmcp:"ref,quiet"`
	Offset int    `json:"offset,omitempty" jsonschema:"A cut read's next_offset" ghmcp:"range=0.."`
}

// FileContents is a file (its text, or binary: true) or a directory (its
// entries).
type FileContents struct {
	Type       string                `json:"type" jsonschema:"file, dir, symlink or submodule"`
	Path       string                `json:"path"`
	SHA        string                `json:"sha,omitempty" jsonschema:"Blob SHA: create_or_update_file needs it to replace this file"`
	Size       int                   `json:"size" jsonschema:"Bytes"`
	Binary     bool                  `json:"binary,omitempty" jsonschema:"Not UTF-8 text: no content is returned"`
	Content    toolkit.UntrustedCode `json:"content,omitempty"`
	Truncated  bool                  `json:"truncated"`
	NextOffset int                   `json:"next_offset,omitempty" jsonschema:"Pass as offset to read the rest"`
	Target     string                `json:"target,omitempty" jsonschema:"Symlink target or submodule URL"`
	Entries    []DirEntry            `json:"entries,omitempty"`
}

// DirEntry is one name in a directory.
type DirEntry struct {
	Name string `json:"name"`
	Type string `json:"type" jsonschema:"file, dir, symlink or submodule"`
	Size int    `json:"size,omitempty"`
}

// getFileContents calls GET /repos/{owner}/{repo}/contents/{path}, and GET
// /repos/{owner}/{repo}/git/blobs/{sha} for files over 1 MB, which the
// contents API sends without content.
// https://docs.github.com/rest/repos/contents#get-repository-content
// https://docs.github.com/rest/git/blobs#get-a-blob
func getFileContents() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_file_contents",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "Read a file (64 KB a call, with its sha for updates) or list a directory.",
	}, func(ctx context.Context, d toolkit.Deps, in GetFileContentsArgs) (FileContents, error) {
		in.Path = strings.TrimSuffix(in.Path, "/")
		what := "get root directory of " + in.RepoArgs.String()
		if in.Path != "" {
			what = fmt.Sprintf("get %s in %s", in.Path, in.RepoArgs)
		}
		if in.Ref != "" {
			what += " at " + in.Ref
		}
		file, dir, _, err := d.GitHub.Repositories.GetContents(ctx, in.Owner, in.Repo, in.Path, &gh.RepositoryContentGetOptions{Ref: in.Ref})
		if status, e := statusOf(err); status == http.StatusNotFound && in.Ref != "" {
			return FileContents{}, toolkit.Op(what, fmt.Errorf("%s; or ref %q does not exist: list_branches shows the branches", toolkit.ExplainResponse(e), in.Ref))
		}
		if err != nil {
			return FileContents{}, toolkit.Op(what, err)
		}
		if file == nil {
			out := FileContents{Type: "dir", Path: in.Path, Entries: []DirEntry{}}
			for _, e := range dir {
				out.Entries = append(out.Entries, DirEntry{Name: e.GetName(), Type: e.GetType(), Size: e.GetSize()})
			}
			return out, nil
		}
		out := FileContents{Type: file.GetType(), Path: file.GetPath(), SHA: file.GetSHA(), Size: file.GetSize()}
		switch out.Type {
		case "symlink":
			out.Target = file.GetTarget()
			return out, nil
		case "submodule":
			out.Target = file.GetSubmoduleGitURL()
			return out, nil
		}
		var raw string
		if file.Content != nil {
			raw = *file.Content
		}
		var data []byte
		switch file.GetEncoding() {
		case "base64": // GitHub wraps the lines; the decoder skips newlines
			data, err = base64.StdEncoding.DecodeString(raw)
		case "none": // over 1 MB: fetch the blob itself
			data, _, err = d.GitHub.Git.GetBlobRaw(ctx, in.Owner, in.Repo, file.GetSHA())
		default:
			data = []byte(raw)
		}
		if err != nil {
			return FileContents{}, toolkit.Op(what, err)
		}
		return out, toolkit.Op(what, readFrom(d, &out, data, in.Offset))
	})
}

// readFrom fills a file result with up to fileCap bytes of data from
// offset, or marks it binary.
func readFrom(d toolkit.Deps, out *FileContents, data []byte, offset int) error {
	out.Size = len(data)
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		out.Binary = true
		return nil
	}
	// Secrets are masked before the offset applies (offsets count in the
	// redacted text, as next_offset does): an offset inside a token must
	// not reveal the token's tail.
	clean := d.RawText(string(data))
	if offset > len(clean) {
		return &toolkit.ArgError{Arg: "offset", Problem: fmt.Sprintf("is %d, past the end of the file (%d bytes)", offset, len(clean))}
	}
	for offset < len(clean) && !utf8.RuneStart(clean[offset]) {
		offset++ // never start inside a character
	}
	text, cut := toolkit.CapText(clean[offset:], fileCap)
	out.Content = code(text)
	out.Truncated = cut
	if cut {
		out.NextOffset = offset + len(text)
	}
	return nil
}

// ListCommitsArgs are the arguments of list_commits.
type ListCommitsArgs struct {
	RepoArgs
	SHA    string `json:"sha,omitempty" jsonschema:"Branch, tag or SHA" ghmcp:"ref,quiet"`
	Path   string `json:"path,omitempty" ghmcp:"path,quiet"`
	Author string `json:"author,omitempty"`
	Since  string `json:"since,omitempty" jsonschema:"RFC 3339 or YYYY-MM-DD"`
	Until  string `json:"until,omitempty"`
	PageArgs
}

// CommitItem is a commit in a list.
type CommitItem struct {
	SHA        string                `json:"sha"`
	Message    toolkit.UntrustedCode `json:"message"`
	Author     string                `json:"author,omitempty"`
	AuthorName string                `json:"author_name,omitempty" jsonschema:"Git author name, when no GitHub account matches"`
	Date       string                `json:"date"`
}

// CommitList is a page of commits, newest first.
type CommitList struct {
	Commits  []CommitItem `json:"commits"`
	NextPage int          `json:"next_page,omitempty"`
}

// commitAuthor returns a commit's author login, or its git name when no
// GitHub account matches.
func commitAuthor(c *gh.RepositoryCommit) (login, name string) {
	if l := c.GetAuthor().GetLogin(); l != "" {
		return l, ""
	}
	return "", c.GetCommit().GetAuthor().GetName()
}

// commitDate is when a commit was authored, or "" if GitHub did not say.
func commitDate(c *gh.RepositoryCommit) string {
	t := c.GetCommit().GetAuthor().GetDate()
	return ts(&t)
}

// listCommits calls GET /repos/{owner}/{repo}/commits.
// https://docs.github.com/rest/commits/commits#list-commits
func listCommits() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_commits",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "List commits, newest first, with message first lines; get_commit has diffs.",
	}, func(ctx context.Context, d toolkit.Deps, in ListCommitsArgs) (CommitList, error) {
		what := "list commits of " + in.RepoArgs.String()
		if in.SHA != "" {
			what += " from " + in.SHA
		}
		since, err := parseTimeArg("since", in.Since)
		if err != nil {
			return CommitList{}, toolkit.Op(what, err)
		}
		until, err := parseTimeArg("until", in.Until)
		if err != nil {
			return CommitList{}, toolkit.Op(what, err)
		}
		cs, resp, err := d.GitHub.Repositories.ListCommits(ctx, in.Owner, in.Repo, &gh.CommitsListOptions{
			SHA: in.SHA, Path: strings.TrimSuffix(in.Path, "/"), Author: in.Author, Since: since, Until: until, ListOptions: in.listOptions(),
		})
		if err != nil {
			return CommitList{}, toolkit.Op(what, err)
		}
		out := CommitList{Commits: []CommitItem{}, NextPage: nextPage(resp)}
		for _, c := range cs {
			first, _, _ := strings.Cut(d.RawText(c.GetCommit().GetMessage()), "\n")
			first, _ = toolkit.CapText(first, firstLineCap)
			login, name := commitAuthor(c)
			out.Commits = append(out.Commits, CommitItem{
				SHA:        c.GetSHA(),
				Message:    code(first),
				Author:     login,
				AuthorName: name,
				Date:       commitDate(c),
			})
		}
		return out, nil
	})
}

// GetCommitArgs are the arguments of get_commit.
type GetCommitArgs struct {
	RepoArgs
	SHA string `json:"sha" jsonschema:"SHA, branch or tag" ghmcp:"ref"`
	PageArgs
}

// CommitDetails is a commit with a page of its changed files.
type CommitDetails struct {
	SHA              string                `json:"sha"`
	Message          toolkit.UntrustedCode `json:"message"`
	MessageTruncated bool                  `json:"message_truncated,omitempty"`
	Author           string                `json:"author,omitempty"`
	AuthorName       string                `json:"author_name,omitempty" jsonschema:"Git author name, when no GitHub account matches"`
	Date             string                `json:"date"`
	Parents          []string              `json:"parents"`
	Additions        int                   `json:"additions"`
	Deletions        int                   `json:"deletions"`
	Files            []ChangedFile         `json:"files"`
	NextPage         int                   `json:"next_page,omitempty" jsonschema:"More changed files on this page number"`
}

// ChangedFile is a file changed by a commit, with its patch.
type ChangedFile struct {
	Filename         string                `json:"filename"`
	PreviousFilename string                `json:"previous_filename,omitempty"`
	Status           string                `json:"status"`
	Additions        int                   `json:"additions"`
	Deletions        int                   `json:"deletions"`
	Patch            toolkit.UntrustedCode `json:"patch,omitempty"`
	Truncated        bool                  `json:"truncated,omitempty" jsonschema:"The patch was cut or left out to save space"`
}

// getCommit calls GET /repos/{owner}/{repo}/commits/{ref}.
// https://docs.github.com/rest/commits/commits#get-a-commit
func getCommit() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_commit",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "Get a commit with its changed files' patches (paged, long ones cut).",
	}, func(ctx context.Context, d toolkit.Deps, in GetCommitArgs) (CommitDetails, error) {
		what := fmt.Sprintf("get commit %s in %s", in.SHA, in.RepoArgs)
		opts := in.listOptions()
		c, resp, err := d.GitHub.Repositories.GetCommit(ctx, in.Owner, in.Repo, escapePath(in.SHA), &opts)
		if err != nil {
			return CommitDetails{}, toolkit.Op(what, err)
		}
		msg, cut := d.CapText(c.GetCommit().GetMessage(), commitMessageCap)
		login, name := commitAuthor(c)
		out := CommitDetails{
			SHA:              c.GetSHA(),
			Message:          code(msg),
			MessageTruncated: cut,
			Author:           login,
			AuthorName:       name,
			Date:             commitDate(c),
			Parents:          []string{},
			Additions:        c.GetStats().GetAdditions(),
			Deletions:        c.GetStats().GetDeletions(),
			Files:            []ChangedFile{},
			NextPage:         nextPage(resp),
		}
		for _, p := range c.Parents {
			out.Parents = append(out.Parents, p.GetSHA())
		}
		budget := patchTotalCap
		for _, f := range c.Files {
			cf := ChangedFile{
				Filename:         f.GetFilename(),
				PreviousFilename: f.GetPreviousFilename(),
				Status:           f.GetStatus(),
				Additions:        f.GetAdditions(),
				Deletions:        f.GetDeletions(),
			}
			patch, cut := d.CapText(f.GetPatch(), min(commitPatchCap, budget))
			budget -= len(patch)
			cf.Patch, cf.Truncated = code(patch), cut
			out.Files = append(out.Files, cf)
		}
		return out, nil
	})
}

// CreateBranchArgs are the arguments of create_branch.
type CreateBranchArgs struct {
	RepoArgs
	Branch string `json:"branch" ghmcp:"ref"`
	From   string `json:"from,omitempty" jsonschema:"Branch, tag or SHA" ghmcp:"ref,quiet"`
}

// BranchRef is a created branch.
type BranchRef struct {
	Branch string `json:"branch"`
	SHA    string `json:"sha"`
}

// createBranch resolves the source with GET /repos/{owner}/{repo} (for the
// default branch) and GET /repos/{owner}/{repo}/commits/{ref} (as a SHA),
// then calls POST /repos/{owner}/{repo}/git/refs.
// https://docs.github.com/rest/commits/commits#get-a-commit
// https://docs.github.com/rest/git/refs#create-a-reference
func createBranch() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "create_branch",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Create,
		Desc:    "Create a branch.",
	}, func(ctx context.Context, d toolkit.Deps, in CreateBranchArgs) (BranchRef, error) {
		what := fmt.Sprintf("create branch %s in %s", in.Branch, in.RepoArgs)
		from := in.From
		if from == "" {
			r, _, err := d.GitHub.Repositories.Get(ctx, in.Owner, in.Repo)
			if err != nil {
				return BranchRef{}, toolkit.Op(what, err)
			}
			from = r.GetDefaultBranch()
		}
		what += " from " + from
		sha := from
		if len(from) != 40 || !toolkit.IsName("sha", from) {
			var err error
			if sha, _, err = d.GitHub.Repositories.GetCommitSHA1(ctx, in.Owner, in.Repo, from, ""); err != nil {
				return BranchRef{}, toolkit.Op(what, err)
			}
		}
		ref, _, err := d.GitHub.Git.CreateRef(ctx, in.Owner, in.Repo, &gh.Reference{
			Ref:    gh.String("refs/heads/" + in.Branch),
			Object: &gh.GitObject{SHA: &sha},
		})
		if err != nil {
			return BranchRef{}, toolkit.Op(what, err)
		}
		return BranchRef{Branch: strings.TrimPrefix(ref.GetRef(), "refs/heads/"), SHA: ref.GetObject().GetSHA()}, nil
	})
}

// CreateOrUpdateFileArgs are the arguments of create_or_update_file.
type CreateOrUpdateFileArgs struct {
	RepoArgs
	Path    string `json:"path" ghmcp:"path"`
	Content string `json:"content"`
	Message string `json:"message"`
	Branch  string `json:"branch,omitempty" ghmcp:"ref,quiet"`
	SHA     string `json:"sha,omitempty" jsonschema:"Omit to create" ghmcp:"sha,quiet"`
}

// FileCommit is the result of writing a file.
type FileCommit struct {
	Path      string `json:"path"`
	SHA       string `json:"sha" jsonschema:"New blob SHA: pass it to update the file again"`
	CommitSHA string `json:"commit_sha"`
	HTMLURL   string `json:"html_url" jsonschema:"The commit's web page"`
	Created   bool   `json:"created" jsonschema:"True if the file did not exist"`
}

// createOrUpdateFile calls PUT /repos/{owner}/{repo}/contents/{path}.
// https://docs.github.com/rest/repos/contents#create-or-update-file-contents
func createOrUpdateFile() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "create_or_update_file",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Destructive,
		Desc:    "Commit a file's full content. To update, pass its sha from get_file_contents; stale ones fail.",
	}, func(ctx context.Context, d toolkit.Deps, in CreateOrUpdateFileArgs) (FileCommit, error) {
		what := fmt.Sprintf("write %s in %s", in.Path, in.RepoArgs)
		if in.Branch != "" {
			what += " on " + in.Branch
		}
		if strings.TrimSpace(in.Message) == "" {
			return FileCommit{}, &toolkit.ArgError{Arg: "message", Problem: "must not be empty; it is the commit message", Example: `"Fix the build instructions"`}
		}
		opts := &gh.RepositoryContentFileOptions{Message: &in.Message, Content: []byte(in.Content)}
		if in.Branch != "" {
			opts.Branch = &in.Branch
		}
		if in.SHA != "" {
			opts.SHA = &in.SHA
		}
		res, resp, err := d.GitHub.Repositories.CreateFile(ctx, in.Owner, in.Repo, escapePath(in.Path), opts)
		if err != nil {
			return FileCommit{}, toolkit.Op(what, fileWriteError(in, err))
		}
		return FileCommit{
			Path:      res.GetContent().GetPath(),
			SHA:       res.GetContent().GetSHA(),
			CommitSHA: res.Commit.GetSHA(),
			HTMLURL:   res.Commit.GetHTMLURL(),
			Created:   resp.StatusCode == http.StatusCreated,
		}, nil
	})
}

// fileWriteError says how to recover from GitHub refusing a file write:
// the sha guard (409 stale sha, 422 missing sha) and a missing branch.
func fileWriteError(in CreateOrUpdateFileArgs, err error) error {
	status, e := statusOf(err)
	reread := fmt.Sprintf("read %s again with get_file_contents", in.Path)
	if in.Branch != "" {
		reread += fmt.Sprintf(" (ref %q)", in.Branch)
	}
	switch {
	case status == http.StatusConflict:
		return fmt.Errorf("conflict (409: %s): the file changed since you read it, or sha is not its blob sha. Nothing was written; %s, apply your change to that content, and retry with its sha", e.Message, reread)
	case status == http.StatusUnprocessableEntity && in.SHA == "":
		return fmt.Errorf("%s. If %s already exists, %s and pass its sha", toolkit.ExplainResponse(e), in.Path, reread)
	case status == http.StatusNotFound && in.Branch != "":
		return fmt.Errorf("not found (404 %s): branch %q does not exist in %s (create_branch creates it), or the repository is private and the token may lack access to it", e.Message, in.Branch, in.RepoArgs)
	}
	return err
}

// Release is a release with its notes and assets.
type Release struct {
	Tag         string            `json:"tag"`
	Name        toolkit.Untrusted `json:"name,omitempty"`
	Draft       bool              `json:"draft,omitempty"`
	Prerelease  bool              `json:"prerelease,omitempty"`
	PublishedAt string            `json:"published_at,omitempty"`
	Author      string            `json:"author,omitempty"`
	Body        toolkit.Untrusted `json:"body,omitempty"`
	Truncated   bool              `json:"truncated" jsonschema:"The body was cut: get_latest_release with this tag has it whole"`
	HTMLURL     string            `json:"html_url"`
	Assets      []Asset           `json:"assets,omitempty"`
}

// Asset is a file attached to a release.
type Asset struct {
	Name          string `json:"name"`
	Size          int    `json:"size"`
	DownloadCount int    `json:"download_count"`
}

// release converts a GitHub release, cutting its body to limit bytes.
func release(d toolkit.Deps, r *gh.RepositoryRelease, limit int) Release {
	body, cut := d.CapText(r.GetBody(), limit)
	out := Release{
		Tag:         r.GetTagName(),
		Name:        untrusted(r.GetName()),
		Draft:       r.GetDraft(),
		Prerelease:  r.GetPrerelease(),
		PublishedAt: ts(r.PublishedAt),
		Author:      login(r.Author),
		Body:        untrusted(body),
		Truncated:   cut,
		HTMLURL:     r.GetHTMLURL(),
	}
	for _, a := range r.Assets {
		out.Assets = append(out.Assets, Asset{Name: a.GetName(), Size: a.GetSize(), DownloadCount: a.GetDownloadCount()})
	}
	return out
}

// ReleaseList is a page of releases, newest first.
type ReleaseList struct {
	Releases []Release `json:"releases"`
	NextPage int       `json:"next_page,omitempty"`
}

// listReleases calls GET /repos/{owner}/{repo}/releases.
// https://docs.github.com/rest/releases/releases#list-releases
func listReleases() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_releases",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "List releases, newest first, notes cut to 500 bytes.",
	}, func(ctx context.Context, d toolkit.Deps, in struct {
		RepoArgs
		PageArgs
	}) (ReleaseList, error) {
		what := "list releases of " + in.RepoArgs.String()
		opts := in.listOptions()
		rs, resp, err := d.GitHub.Repositories.ListReleases(ctx, in.Owner, in.Repo, &opts)
		if err != nil {
			return ReleaseList{}, toolkit.Op(what, err)
		}
		out := ReleaseList{Releases: []Release{}, NextPage: nextPage(resp)}
		for _, r := range rs {
			out.Releases = append(out.Releases, release(d, r, releaseListCap))
		}
		return out, nil
	})
}

// GetReleaseArgs are the arguments of get_latest_release.
type GetReleaseArgs struct {
	RepoArgs
	Tag string `json:"tag,omitempty" jsonschema:"Instead of the latest" ghmcp:"ref,quiet"`
}

// getLatestRelease calls GET /repos/{owner}/{repo}/releases/latest, or
// GET /repos/{owner}/{repo}/releases/tags/{tag} when a tag is given.
// https://docs.github.com/rest/releases/releases#get-the-latest-release
// https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name
func getLatestRelease() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_latest_release",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "Get the latest release, or one by tag, with full notes and assets.",
	}, func(ctx context.Context, d toolkit.Deps, in GetReleaseArgs) (Release, error) {
		what := "get latest release of " + in.RepoArgs.String()
		if in.Tag != "" {
			what = fmt.Sprintf("get release %s of %s", in.Tag, in.RepoArgs)
		}
		var r *gh.RepositoryRelease
		var err error
		if in.Tag == "" {
			r, _, err = d.GitHub.Repositories.GetLatestRelease(ctx, in.Owner, in.Repo)
		} else {
			r, _, err = d.GitHub.Repositories.GetReleaseByTag(ctx, in.Owner, in.Repo, escapePath(in.Tag))
		}
		if status, e := statusOf(err); status == http.StatusNotFound && in.Tag == "" {
			return Release{}, toolkit.Op(what, fmt.Errorf("%s; or it has no published release: list_releases shows drafts and prereleases too", toolkit.ExplainResponse(e)))
		}
		if err != nil {
			return Release{}, toolkit.Op(what, err)
		}
		return release(d, r, releaseBodyCap), nil
	})
}
