package resources

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v62/github"
	"github.com/mark3labs/mcp-go/mcp"
	"golang.org/x/sync/singleflight"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// Completer answers completion/complete for the arguments of resource
// templates and prompts, by argument name, whatever the template or
// prompt: owner (the viewer and the owners of the viewer's repositories),
// repo (the viewer's repositories of that owner, then a repository search)
// and ref or branch (the repository's branches). Answers come from GitHub
// through the shared client and are cached briefly, since a host asks
// again at every keystroke; they never name a repository or owner outside
// the allow-list (Deps.Repos). Completion is a convenience: when GitHub
// fails the answer is empty, and the failure is logged.
type Completer struct {
	d   toolkit.Deps
	log *slog.Logger
	ttl time.Duration
	now func() time.Time

	mu     sync.Mutex
	cache  map[string]cacheEntry
	flight singleflight.Group // one fetch per key, however many ask at once
}

type cacheEntry struct {
	at     time.Time
	values []string
}

// Cache bounds.
const (
	completionTTL    = time.Minute
	maxCacheEntries  = 256
	maxCompletions   = 100 // the spec's cap on values in one answer
	enoughFromViewer = 10  // below this many matches, repo search is asked too
)

// prefixRE is what a completion prefix may contain to be sent to GitHub.
var prefixRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]{0,100}$`) })

// NewCompleter returns a Completer reading GitHub through d.
func NewCompleter(d toolkit.Deps) *Completer {
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Completer{d: d, log: log, ttl: completionTTL, now: time.Now, cache: map[string]cacheEntry{}}
}

// CompletePromptArgument implements server.PromptCompletionProvider.
func (c *Completer) CompletePromptArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg, cc), nil
}

// CompleteResourceArgument implements server.ResourceCompletionProvider.
func (c *Completer) CompleteResourceArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg, cc), nil
}

func (c *Completer) complete(ctx context.Context, arg mcp.CompleteArgument, cc mcp.CompleteContext) *mcp.Completion {
	prefix := arg.Value
	if !prefixRE().MatchString(prefix) {
		return &mcp.Completion{Values: []string{}}
	}
	owner, repo := cc.Arguments["owner"], cc.Arguments["repo"]
	var values []string
	var err error
	switch arg.Name {
	case "owner":
		values, err = c.owners(ctx)
	case "repo":
		values, err = c.repos(ctx, owner, prefix)
	case "ref", "branch", "base", "head":
		values, err = c.branches(ctx, owner, repo)
	}
	if err != nil {
		c.log.WarnContext(ctx, "completion: GitHub failed; answering with no values", "argument", arg.Name, "error", err)
	}
	return matching(c.clean(values), prefix)
}

// clean drops the values the content filter or the redactor would change
// (a branch name with hidden characters, one quoting a secret): a
// completion is inserted as is, so a value shown with markers would be
// wrong, and one shown unfiltered would be hidden text reaching the model.
func (c *Completer) clean(values []string) []string {
	out := values[:0:0]
	for _, v := range values {
		f := c.d.FilterText(v, toolkit.Markdown)
		if c.d.Redact != nil {
			f = c.d.Redact(f)
		}
		if f == v || c.d.UnfilteredContent {
			out = append(out, f)
		}
	}
	return out
}

// matching returns the values starting with prefix (ignoring case), at
// most maxCompletions of them, with the total.
func matching(values []string, prefix string) *mcp.Completion {
	out := []string{}
	lower := strings.ToLower(prefix)
	for _, v := range values {
		if strings.HasPrefix(strings.ToLower(v), lower) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	total := len(out)
	if total > maxCompletions {
		return &mcp.Completion{Values: out[:maxCompletions], Total: total, HasMore: true}
	}
	return &mcp.Completion{Values: out, Total: total}
}

// cached returns the values under key, fetching them with f when missing
// or stale; concurrent callers share one fetch.
func (c *Completer) cached(key string, f func() ([]string, error)) ([]string, error) {
	c.mu.Lock()
	e, ok := c.cache[key]
	c.mu.Unlock()
	if ok && c.now().Sub(e.at) < c.ttl {
		return e.values, nil
	}
	v, err, _ := c.flight.Do(key, func() (any, error) {
		values, err := f()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if len(c.cache) >= maxCacheEntries {
			clear(c.cache)
		}
		c.cache[key] = cacheEntry{at: c.now(), values: values}
		c.mu.Unlock()
		return values, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]string), nil
}

// viewerRepos returns the full names of the viewer's most recently pushed
// repositories (owned, collaborating, or through an organization).
// https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user
func (c *Completer) viewerRepos(ctx context.Context) ([]string, error) {
	return c.cached("viewer-repos", func() ([]string, error) {
		rs, _, err := c.d.GitHub.Repositories.ListByAuthenticatedUser(ctx, &gh.RepositoryListByAuthenticatedUserOptions{
			Sort: "pushed", ListOptions: gh.ListOptions{PerPage: 100},
		})
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(rs))
		for _, r := range rs {
			if c.d.Repos.AllowedFullName(r.GetFullName()) {
				out = append(out, r.GetFullName())
			}
		}
		return out, nil
	})
}

// owners returns the viewer's login and the owners of its repositories.
// https://docs.github.com/rest/users/users#get-the-authenticated-user
func (c *Completer) owners(ctx context.Context) ([]string, error) {
	me, err := c.cached("viewer", func() ([]string, error) {
		u, _, err := c.d.GitHub.Users.Get(ctx, "")
		if err != nil {
			return nil, err
		}
		return []string{u.GetLogin()}, nil
	})
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(slices.Clone(me), func(o string) bool { return !c.d.Repos.AllowedOwner(o) })
	repos, err := c.viewerRepos(ctx)
	if err != nil {
		return out, err
	}
	for _, full := range repos {
		if o, _, ok := strings.Cut(full, "/"); ok && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out, nil
}

// repos returns names of repositories of owner (any owner when empty): the
// viewer's first, then, when they give few matches for prefix, a search.
// https://docs.github.com/rest/search/search#search-repositories
func (c *Completer) repos(ctx context.Context, owner, prefix string) ([]string, error) {
	if owner != "" && (toolkit.Validate(&repoArgs{Owner: owner, Repo: "x"}) != nil || !c.d.Repos.AllowedOwner(owner)) {
		return nil, nil
	}
	full, err := c.viewerRepos(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range full {
		o, name, _ := strings.Cut(f, "/")
		if owner == "" || strings.EqualFold(o, owner) {
			out = append(out, name)
		}
	}
	if prefix == "" || len(matching(out, prefix).Values) >= enoughFromViewer || c.d.Repos.Restricted() {
		// Under --repos, searching all of GitHub would spend the search
		// budget on names the list drops anyway.
		return out, nil
	}
	q := prefix + " in:name fork:true"
	if owner != "" {
		q += " user:" + owner
	}
	found, err := c.cached("search "+strings.ToLower(q), func() ([]string, error) {
		res, _, err := c.d.GitHub.Search.Repositories(ctx, q, &gh.SearchOptions{ListOptions: gh.ListOptions{PerPage: 30}})
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(res.Repositories))
		for _, r := range res.Repositories {
			if c.d.Repos.AllowedFullName(r.GetFullName()) {
				names = append(names, r.GetName())
			}
		}
		return names, nil
	})
	if err != nil {
		return out, err
	}
	return append(out, found...), nil
}

// branches returns the first 100 branches of owner/repo.
// https://docs.github.com/rest/branches/branches#list-branches
func (c *Completer) branches(ctx context.Context, owner, repo string) ([]string, error) {
	if toolkit.Validate(&repoArgs{Owner: owner, Repo: repo}) != nil || !c.d.Repos.Allowed(owner, repo) {
		return nil, nil
	}
	return c.cached("branches "+strings.ToLower(owner+"/"+repo), func() ([]string, error) {
		bs, _, err := c.d.GitHub.Repositories.ListBranches(ctx, owner, repo, &gh.BranchListOptions{ListOptions: gh.ListOptions{PerPage: 100}})
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(bs))
		for _, b := range bs {
			out = append(out, b.GetName())
		}
		return out, nil
	})
}
