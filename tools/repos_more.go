package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// More repository tools: several files in one commit, deleting a file,
// the tree, tags, creating a release, forks and new repositories.

// repoMoreTools are the repos toolset's tools of this file, and those of
// repo_admin.
func repoMoreTools() []toolkit.Tool {
	return []toolkit.Tool{
		pushFiles(),
		deleteFile(),
		getRepositoryTree(),
		listTags(),
		createRelease(),
		forkRepository(),
		createRepository(),
	}
}

// PushFile is one file of push_files.
type PushFile struct {
	Path    string `json:"path" ghmcp:"path,quiet"`
	Content string `json:"content" jsonschema:"Whole new text"`
}

// PushFilesArgs are the arguments of push_files.
type PushFilesArgs struct {
	RepoArgs
	Branch  string     `json:"branch" ghmcp:"ref,quiet"`
	Message string     `json:"message"`
	Files   []PushFile `json:"files" ghmcp:"items=100"`
	HeadSHA string     `json:"head_sha,omitempty" jsonschema:"Refuse unless the branch is still at this commit" ghmcp:"sha,quiet"`
}

// PushResult is the commit push_files made.
type PushResult struct {
	Branch    string `json:"branch"`
	CommitSHA string `json:"commit_sha"`
	Parent    string `json:"parent" jsonschema:"The branch head the commit was made on"`
	Files     int    `json:"files"`
	HTMLURL   string `json:"html_url"`
}

// pushFiles reads the branch (GET /repos/{owner}/{repo}/git/ref/heads/{branch}
// and GET .../git/commits/{sha}), then writes POST .../git/blobs (one per
// file), POST .../git/trees, POST .../git/commits and PATCH
// .../git/refs/heads/{branch} without force: GitHub refuses the update
// unless it is a fast-forward, so a branch that moved since it was read is
// never rewound.
// https://docs.github.com/rest/git/refs#get-a-reference
// https://docs.github.com/rest/git/blobs#create-a-blob
// https://docs.github.com/rest/git/trees#create-a-tree
// https://docs.github.com/rest/git/commits#create-a-commit
// https://docs.github.com/rest/git/refs#update-a-reference
func pushFiles() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "push_files",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Destructive,
		Desc:    "Commit several files (whole contents) to a branch in one commit; other files stay. Fails, never forces, if the branch moved.",
	}, func(ctx context.Context, d toolkit.Deps, in PushFilesArgs) (PushResult, error) {
		what := fmt.Sprintf("push %d files to %s in %s", len(in.Files), in.Branch, in.RepoArgs)
		if len(in.Files) == 0 {
			return PushResult{}, &toolkit.ArgError{Arg: "files", Problem: "must list at least one file", Example: `[{"path":"README.md","content":"# Hello\n"}]`}
		}
		if strings.TrimSpace(in.Message) == "" {
			return PushResult{}, &toolkit.ArgError{Arg: "message", Problem: "must not be empty; it is the commit message", Example: `"Add the parser and its tests"`}
		}
		seen := map[string]bool{}
		for i, f := range in.Files {
			if seen[f.Path] {
				return PushResult{}, &toolkit.ArgError{Arg: fmt.Sprintf("files[%d].path", i), Problem: fmt.Sprintf("%s is listed twice; give each file once", toolkit.QuoteShort(f.Path))}
			}
			seen[f.Path] = true
		}
		ref, _, err := d.GitHub.Git.GetRef(ctx, in.Owner, in.Repo, "heads/"+in.Branch)
		if status, e := statusOf(err); status == http.StatusNotFound {
			return PushResult{}, toolkit.Op(what, fmt.Errorf("%s; create_branch creates it", toolkit.ExplainResponse(e)))
		}
		if err != nil {
			return PushResult{}, toolkit.Op(what, err)
		}
		head := ref.GetObject().GetSHA()
		if in.HeadSHA != "" && !strings.HasPrefix(head, strings.ToLower(in.HeadSHA)) {
			return PushResult{}, toolkit.Op(what, fmt.Errorf("branch %s is at %s, not at head_sha %s: it moved since you read it. Nothing was written; read the files again and retry with the new head", in.Branch, head, in.HeadSHA))
		}
		parent, _, err := d.GitHub.Git.GetCommit(ctx, in.Owner, in.Repo, head)
		if err != nil {
			return PushResult{}, toolkit.Op(what, err)
		}
		entries := make([]*gh.TreeEntry, 0, len(in.Files))
		for _, f := range in.Files {
			blob, _, err := d.GitHub.Git.CreateBlob(ctx, in.Owner, in.Repo, &gh.Blob{Content: gh.String(f.Content), Encoding: gh.String("utf-8")})
			if err != nil {
				return PushResult{}, toolkit.Op(what+": blob of "+f.Path, err)
			}
			entries = append(entries, &gh.TreeEntry{Path: gh.String(f.Path), Mode: gh.String("100644"), Type: gh.String("blob"), SHA: blob.SHA})
		}
		tree, _, err := d.GitHub.Git.CreateTree(ctx, in.Owner, in.Repo, parent.GetTree().GetSHA(), entries)
		if err != nil {
			return PushResult{}, toolkit.Op(what+": tree", err)
		}
		commit, _, err := d.GitHub.Git.CreateCommit(ctx, in.Owner, in.Repo, &gh.Commit{
			Message: &in.Message, Tree: &gh.Tree{SHA: tree.SHA}, Parents: []*gh.Commit{{SHA: &head}},
		}, nil)
		if err != nil {
			return PushResult{}, toolkit.Op(what+": commit", err)
		}
		_, _, err = d.GitHub.Git.UpdateRef(ctx, in.Owner, in.Repo, &gh.Reference{
			Ref: gh.String("refs/heads/" + in.Branch), Object: &gh.GitObject{SHA: commit.SHA},
		}, false)
		if status, _ := statusOf(err); status == http.StatusUnprocessableEntity || status == http.StatusConflict {
			return PushResult{}, toolkit.Op(what, fmt.Errorf("branch %s moved since it was read at %s, so GitHub refused to move it (no force push). Commit %s was made but is on no branch; read the files again and retry", in.Branch, head, commit.GetSHA()))
		}
		if err != nil {
			return PushResult{}, toolkit.Op(what+": move branch", err)
		}
		return PushResult{Branch: in.Branch, CommitSHA: commit.GetSHA(), Parent: head, Files: len(in.Files), HTMLURL: commit.GetHTMLURL()}, nil
	})
}

// DeleteFileArgs are the arguments of delete_file.
type DeleteFileArgs struct {
	RepoArgs
	Path    string `json:"path" ghmcp:"path"`
	Message string `json:"message"`
	SHA     string `json:"sha" jsonschema:"The file's blob sha from get_file_contents" ghmcp:"sha,quiet"`
	Branch  string `json:"branch,omitempty" ghmcp:"ref,quiet"`
}

// DeletedFile is the commit that deleted a file.
type DeletedFile struct {
	Path      string `json:"path"`
	CommitSHA string `json:"commit_sha"`
	HTMLURL   string `json:"html_url"`
}

// deleteFile calls DELETE /repos/{owner}/{repo}/contents/{path}.
// https://docs.github.com/rest/repos/contents#delete-a-file
func deleteFile() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "delete_file",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Destructive,
		Desc:    "Delete a file in a commit. Needs its current sha; a stale one fails.",
	}, func(ctx context.Context, d toolkit.Deps, in DeleteFileArgs) (DeletedFile, error) {
		what := fmt.Sprintf("delete %s in %s", in.Path, in.RepoArgs)
		if in.Branch != "" {
			what += " on " + in.Branch
		}
		if strings.TrimSpace(in.Message) == "" {
			return DeletedFile{}, &toolkit.ArgError{Arg: "message", Problem: "must not be empty; it is the commit message", Example: `"Remove the old config"`}
		}
		opts := &gh.RepositoryContentFileOptions{Message: &in.Message, SHA: &in.SHA}
		if in.Branch != "" {
			opts.Branch = &in.Branch
		}
		res, _, err := d.GitHub.Repositories.DeleteFile(ctx, in.Owner, in.Repo, escapePath(in.Path), opts)
		if err != nil {
			return DeletedFile{}, toolkit.Op(what, fileWriteError(CreateOrUpdateFileArgs{RepoArgs: in.RepoArgs, Path: in.Path, Branch: in.Branch, SHA: in.SHA}, err))
		}
		return DeletedFile{Path: in.Path, CommitSHA: res.Commit.GetSHA(), HTMLURL: res.Commit.GetHTMLURL()}, nil
	})
}

// GetTreeArgs are the arguments of get_repository_tree.
type GetTreeArgs struct {
	RepoArgs
	Ref     string `json:"ref,omitempty" ghmcp:"ref,quiet"`
	Path    string `json:"path,omitempty" jsonschema:"Only entries under this directory" ghmcp:"path,quiet"`
	Page    int    `json:"page,omitempty" ghmcp:"range=1..,default=1"`
	PerPage int    `json:"per_page,omitempty" ghmcp:"range=1..1000,default=200"`
}

// TreeEntry is a file, directory or submodule in a tree.
type TreeEntry struct {
	Path toolkit.UntrustedCode `json:"path"`
	Type string                `json:"type" jsonschema:"file, dir or submodule"`
	Size int                   `json:"size,omitempty"`
}

// TreeResult is a page of a repository's tree.
type TreeResult struct {
	SHA       string      `json:"sha" jsonschema:"Tree SHA"`
	Total     int         `json:"total" jsonschema:"Entries in all pages"`
	Entries   []TreeEntry `json:"entries"`
	NextPage  int         `json:"next_page,omitempty"`
	Truncated bool        `json:"truncated,omitempty" jsonschema:"GitHub cut the tree (over 100,000 entries): list a directory with path"`
}

// getRepositoryTree calls GET /repos/{owner}/{repo}/git/trees/{ref}?recursive=1
// and pages the entries itself: GitHub returns the whole tree at once.
// https://docs.github.com/rest/git/trees#get-a-tree
func getRepositoryTree() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_repository_tree",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "List every file path of a branch, tag or commit (default branch if no ref), recursively, paged.",
	}, func(ctx context.Context, d toolkit.Deps, in GetTreeArgs) (TreeResult, error) {
		ref := in.Ref
		if ref == "" {
			ref = "HEAD"
		}
		what := fmt.Sprintf("get tree of %s at %s", in.RepoArgs, ref)
		tree, _, err := d.GitHub.Git.GetTree(ctx, in.Owner, in.Repo, escapePath(ref), true)
		if err != nil {
			return TreeResult{}, toolkit.Op(what, err)
		}
		prefix := strings.TrimSuffix(in.Path, "/")
		var all []TreeEntry
		for _, e := range tree.Entries {
			p := e.GetPath()
			if prefix != "" && !strings.HasPrefix(p, prefix+"/") {
				continue
			}
			te := TreeEntry{Path: code(p), Type: "file", Size: e.GetSize()}
			switch e.GetType() {
			case "tree":
				te.Type = "dir"
			case "commit":
				te.Type = "submodule"
			}
			all = append(all, te)
		}
		out := TreeResult{SHA: tree.GetSHA(), Total: len(all), Entries: []TreeEntry{}, Truncated: tree.GetTruncated()}
		start := (in.Page - 1) * in.PerPage
		if start < len(all) {
			end := min(start+in.PerPage, len(all))
			out.Entries = all[start:end]
			if end < len(all) {
				out.NextPage = in.Page + 1
			}
		}
		return out, nil
	})
}

// Tag is a tag and the commit it names.
type Tag struct {
	Name toolkit.Untrusted `json:"name"`
	SHA  string            `json:"sha"`
}

// TagList is a page of tags.
type TagList struct {
	Tags     []Tag `json:"tags"`
	NextPage int   `json:"next_page,omitempty"`
}

// listTags calls GET /repos/{owner}/{repo}/tags.
// https://docs.github.com/rest/repos/repos#list-repository-tags
func listTags() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_tags",
		Toolset: ToolsetRepos,
		Kind:    toolkit.Read,
		Desc:    "List tags and their commit SHAs.",
	}, func(ctx context.Context, d toolkit.Deps, in struct {
		RepoArgs
		PageArgs
	}) (TagList, error) {
		what := "list tags of " + in.RepoArgs.String()
		opts := in.listOptions()
		ts, resp, err := d.GitHub.Repositories.ListTags(ctx, in.Owner, in.Repo, &opts)
		if err != nil {
			return TagList{}, toolkit.Op(what, err)
		}
		out := TagList{Tags: []Tag{}, NextPage: nextPage(resp)}
		for _, t := range ts {
			out.Tags = append(out.Tags, Tag{Name: untrusted(t.GetName()), SHA: t.GetCommit().GetSHA()})
		}
		return out, nil
	})
}

// CreateReleaseArgs are the arguments of create_release.
type CreateReleaseArgs struct {
	RepoArgs
	Tag           string `json:"tag" jsonschema:"Created from target if new" ghmcp:"ref,quiet"`
	Target        string `json:"target,omitempty" jsonschema:"Branch or SHA for a new tag; default branch if omitted" ghmcp:"ref,quiet"`
	Name          string `json:"name,omitempty" ghmcp:"len=256"`
	Body          string `json:"body,omitempty" jsonschema:"Markdown notes" ghmcp:"len=125000"`
	Draft         bool   `json:"draft,omitempty" jsonschema:"Unpublished, seen only by collaborators" ghmcp:"default=true"`
	Prerelease    bool   `json:"prerelease,omitempty"`
	GenerateNotes bool   `json:"generate_notes,omitempty" jsonschema:"GitHub writes notes from merged pull requests"`
}

// ReleaseRef identifies a created release.
type ReleaseRef struct {
	ID      int64  `json:"id"`
	Tag     string `json:"tag"`
	Draft   bool   `json:"draft"`
	HTMLURL string `json:"html_url"`
}

// createRelease calls POST /repos/{owner}/{repo}/releases.
// https://docs.github.com/rest/releases/releases#create-a-release
func createRelease() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "create_release",
		Toolset: ToolsetRepoAdmin,
		Kind:    toolkit.Create,
		Desc:    "Create a release, a draft unless draft is false (publishing notifies watchers).",
	}, func(ctx context.Context, d toolkit.Deps, in CreateReleaseArgs) (ReleaseRef, error) {
		what := fmt.Sprintf("create release %s in %s", in.Tag, in.RepoArgs)
		rel := &gh.RepositoryRelease{TagName: &in.Tag, Draft: &in.Draft, Prerelease: &in.Prerelease}
		if in.Target != "" {
			rel.TargetCommitish = &in.Target
		}
		if in.Name != "" {
			rel.Name = &in.Name
		}
		if in.Body != "" {
			rel.Body = &in.Body
		}
		if in.GenerateNotes {
			rel.GenerateReleaseNotes = &in.GenerateNotes
		}
		r, _, err := d.GitHub.Repositories.CreateRelease(ctx, in.Owner, in.Repo, rel)
		if status, e := statusOf(err); status == http.StatusUnprocessableEntity {
			return ReleaseRef{}, toolkit.Op(what, fmt.Errorf("%s. A release for this tag may exist already: list_releases shows them", strings.TrimSuffix(toolkit.ExplainResponse(e), ". Fix those arguments and retry")))
		}
		if err != nil {
			return ReleaseRef{}, toolkit.Op(what, err)
		}
		return ReleaseRef{ID: r.GetID(), Tag: r.GetTagName(), Draft: r.GetDraft(), HTMLURL: r.GetHTMLURL()}, nil
	})
}

// ForkArgs are the arguments of fork_repository.
type ForkArgs struct {
	RepoArgs
	Organization      string `json:"organization,omitempty" jsonschema:"Fork into this organization instead of your account" ghmcp:"owner"`
	Name              string `json:"name,omitempty" jsonschema:"Name of the fork; default the same" ghmcp:"repo"`
	DefaultBranchOnly bool   `json:"default_branch_only,omitempty"`
}

// NewRepo is a created repository or fork.
type NewRepo struct {
	FullName      string `json:"full_name"`
	DefaultBranch string `json:"default_branch,omitempty"`
	Private       bool   `json:"private,omitempty"`
	HTMLURL       string `json:"html_url"`
	Note          string `json:"note,omitempty"`
}

// viewerLogin is the token's user (GET /user), asked only when --repos
// must check a repository to be made in the user's account.
func viewerLogin(ctx context.Context, d toolkit.Deps) (string, error) {
	u, _, err := d.GitHub.Users.Get(ctx, "")
	return u.GetLogin(), err
}

// forkRepository calls POST /repos/{owner}/{repo}/forks. The fork must
// be a repository --repos allows too: it is checked before the request.
// https://docs.github.com/rest/repos/forks#create-a-fork
func forkRepository() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "fork_repository",
		Toolset: ToolsetRepoAdmin,
		Kind:    toolkit.Create,
		Desc:    "Fork a repository into your account or an organization.",
	}, func(ctx context.Context, d toolkit.Deps, in ForkArgs) (NewRepo, error) {
		what := "fork " + in.RepoArgs.String()
		if d.Repos.Restricted() {
			owner, name := in.Organization, in.Name
			if name == "" {
				name = in.Repo
			}
			if owner == "" {
				var err error
				if owner, err = viewerLogin(ctx, d); err != nil {
					return NewRepo{}, toolkit.Op(what, err)
				}
			}
			if err := d.Repos.Check(owner, name); err != nil {
				return NewRepo{}, toolkit.Op(what+" into "+owner+"/"+name, err)
			}
		}
		r, _, err := d.GitHub.Repositories.CreateFork(ctx, in.Owner, in.Repo, &gh.RepositoryCreateForkOptions{
			Organization: in.Organization, Name: in.Name, DefaultBranchOnly: in.DefaultBranchOnly,
		})
		var accepted *gh.AcceptedError
		if err != nil && !errors.As(err, &accepted) {
			return NewRepo{}, toolkit.Op(what, err)
		}
		return NewRepo{
			FullName: r.GetFullName(), DefaultBranch: r.GetDefaultBranch(), Private: r.GetPrivate(), HTMLURL: r.GetHTMLURL(),
			Note: "GitHub copies the repository in the background: its files may take a few seconds to appear",
		}, nil
	})
}

// CreateRepoArgs are the arguments of create_repository.
type CreateRepoArgs struct {
	Name        string `json:"name" ghmcp:"repo"`
	Description string `json:"description,omitempty" ghmcp:"len=350"`
	Private     bool   `json:"private,omitempty"`
	AutoInit    bool   `json:"auto_init,omitempty" jsonschema:"Start with a README commit" ghmcp:"default=true"`
}

// createRepository calls POST /user/repos, for the token's user; under
// --repos the new repository must be one it allows.
// https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user
func createRepository() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "create_repository",
		Toolset: ToolsetRepoAdmin,
		Kind:    toolkit.Create,
		Desc:    "Create a repository in your account.",
	}, func(ctx context.Context, d toolkit.Deps, in CreateRepoArgs) (NewRepo, error) {
		what := "create repository " + in.Name
		if d.Repos.Restricted() {
			owner, err := viewerLogin(ctx, d)
			if err != nil {
				return NewRepo{}, toolkit.Op(what, err)
			}
			if err := d.Repos.Check(owner, in.Name); err != nil {
				return NewRepo{}, toolkit.Op(what, err)
			}
		}
		repo := &gh.Repository{Name: &in.Name, Private: &in.Private, AutoInit: &in.AutoInit}
		if in.Description != "" {
			repo.Description = &in.Description
		}
		r, _, err := d.GitHub.Repositories.Create(ctx, "", repo)
		if status, e := statusOf(err); status == http.StatusUnprocessableEntity {
			return NewRepo{}, toolkit.Op(what, fmt.Errorf("%s. The name may be taken in your account: pick another", strings.TrimSuffix(toolkit.ExplainResponse(e), ". Fix those arguments and retry")))
		}
		if err != nil {
			return NewRepo{}, toolkit.Op(what, err)
		}
		return NewRepo{FullName: r.GetFullName(), DefaultBranch: r.GetDefaultBranch(), Private: r.GetPrivate(), HTMLURL: r.GetHTMLURL()}, nil
	})
}
