package prompts_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/internal/progress"
	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/prompts"
	"github.com/ghmcp/ghmcp/ratelimit"
)

const token = "ghp_promptsTOKEN0123456789abcdefghijklm"

func setup(t *testing.T) (map[string]prompts.Prompt, *fakegithub.Server) {
	t.Helper()
	gh := fakegithub.New(token)
	gh.AddDemo()
	u, err := url.Parse(gh.Start())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gh.Close)
	client, err := github.NewClient(github.Options{Token: token, APIURL: u, UserAgent: "test", Limiter: ratelimit.New(ratelimit.Config{}, nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]prompts.Prompt{}
	for _, p := range prompts.All(toolkit.Deps{GitHub: client}) {
		out[p.Prompt.Name] = p
	}
	return out, gh
}

func get(ctx context.Context, p prompts.Prompt, args map[string]string) (*mcp.GetPromptResult, error) {
	return p.Handler(ctx, mcp.GetPromptRequest{Params: mcp.GetPromptParams{Name: p.Prompt.Name, Arguments: args}})
}

// texts renders a prompt's messages as text, one per message.
func texts(res *mcp.GetPromptResult) []string {
	var out []string
	for _, m := range res.Messages {
		switch c := m.Content.(type) {
		case mcp.TextContent:
			out = append(out, c.Text)
		case mcp.EmbeddedResource:
			r := c.Resource.(mcp.TextResourceContents)
			out = append(out, "["+r.MIMEType+" "+r.URI+"]\n"+r.Text)
		}
	}
	return out
}

func TestPrompts(t *testing.T) {
	tests := []struct {
		name     string
		prompt   string
		args     map[string]string
		want     []string // each must be in the message of the same index
		wantErr  string
		requests int
	}{
		{
			name: "triage embeds the issue and its comments", prompt: "triage_issue",
			args: map[string]string{"owner": "octo", "repo": "hello", "number": "1"},
			want: []string{"Triage GitHub issue octo/hello#1", "[text/markdown repo://octo/hello/issues/1]\n# Issue octo/hello#1: Crash on start"}, requests: 2,
		},
		{
			name: "review embeds the summary and the diff, with the focus", prompt: "review_pull_request",
			args: map[string]string{"owner": "octo", "repo": "hello", "number": "#2", "focus": "tests"},
			want: []string{"Look most closely at: tests.", "[text/markdown repo://octo/hello/pulls/2]", "[text/x-diff repo://octo/hello/pulls/2]\ndiff --git"}, requests: 2,
		},
		{
			name: "release notes list what was merged since the latest release", prompt: "draft_release_notes",
			args: map[string]string{"owner": "octo", "repo": "hello"},
			want: []string{"merged since v1.0.0 (published 2026-01-10T10:00:00Z)", "merged since v1.0.0 (published 2026-01-10T10:00:00Z): 1\n\n- #3 Fix the crash without a config file (@alice; labels: bug)\n"}, requests: 2,
		},
		{name: "a number that is not one", prompt: "triage_issue", args: map[string]string{"owner": "octo", "repo": "hello", "number": "one"}, wantErr: `invalid argument "number": must be a number, got "one"`},
		{name: "number zero", prompt: "review_pull_request", args: map[string]string{"owner": "octo", "repo": "hello", "number": "0"}, wantErr: `invalid argument "number": is 0`},
		{name: "a bad owner", prompt: "draft_release_notes", args: map[string]string{"owner": "octo/hello", "repo": "hello"}, wantErr: `invalid argument "owner"`},
		{name: "a bad tag", prompt: "draft_release_notes", args: map[string]string{"owner": "octo", "repo": "hello", "since": "v1..2"}, wantErr: `invalid argument "since"`},
		{name: "an unknown tag", prompt: "draft_release_notes", args: map[string]string{"owner": "octo", "repo": "hello", "since": "v9"}, wantErr: "get release v9 of octo/hello: not found (404", requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, gh := setup(t)
			res, err := get(context.Background(), ps[tt.prompt], tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				got := texts(res)
				if len(got) != len(tt.want) {
					t.Fatalf("%d messages, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n---\n"))
				}
				for i, w := range tt.want {
					if !strings.Contains(got[i], w) {
						t.Errorf("message %d lacks %q:\n%s", i, w, got[i])
					}
				}
			}
			if n := len(gh.Requests()); n != tt.requests {
				t.Errorf("%d requests to GitHub, want %d", n, tt.requests)
			}
		})
	}
}

// A repository with many merged pull requests is read page by page, with
// progress, and no further than needed.
func TestReleaseNotesReadPagesWithProgress(t *testing.T) {
	ps, gh := setup(t)
	for i := range 150 {
		head := fmt.Sprintf("change-%d", i)
		gh.Push("octo", "hello", head, fakegithub.FileChange{Path: head + ".txt", Status: "added", Additions: 1})
		gh.AddPull("octo", "hello", fakegithub.PullRequest{Title: fmt.Sprintf("Change %d", i), Head: head, MergedAt: time.Date(2026, 2, 1, 0, i, 0, 0, time.UTC)})
	}
	gh.AddRelease("octo", "hello", fakegithub.Release{Tag: "v1.1.0", PublishedAt: time.Date(2026, 2, 1, 0, 20, 30, 0, time.UTC)})
	var reports []string
	ctx := progress.With(context.Background(), func(done, total float64, msg string) {
		reports = append(reports, fmt.Sprintf("%g/%g %s", done, total, msg))
	})
	res, err := get(ctx, ps["draft_release_notes"], map[string]string{"owner": "octo", "repo": "hello"})
	if err != nil {
		t.Fatal(err)
	}
	list := texts(res)[1]
	if !strings.Contains(list, "merged since v1.1.0 (published 2026-02-01T00:20:30Z): 129\n") || !strings.Contains(list, "- #153 Change 149") || strings.Contains(list, "Change 20 ") {
		t.Errorf("list:\n%.500s", list)
	}
	if diff := cmp.Diff([]string{"1/2 read page 1 of closed pull requests", "2/2 read page 2 of closed pull requests"}, reports); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}

	// Since the first release: every page up to the limit.
	gh.ResetLog()
	res, err = get(context.Background(), ps["draft_release_notes"], map[string]string{"owner": "octo", "repo": "hello", "since": "v1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	if list := texts(res)[1]; !strings.Contains(list, ": 151\n") {
		t.Errorf("since v1.0.0:\n%.300s", list)
	}
	if n := len(gh.Requests()); n != 3 {
		t.Errorf("%d requests, want the release and two pages", n)
	}
}

func TestReleaseNotesWithoutAnyRelease(t *testing.T) {
	ps, gh := setup(t)
	gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "fresh"})
	gh.Push("octo", "fresh", "first", fakegithub.FileChange{Path: "a.txt", Status: "added", Additions: 1})
	gh.Push("octo", "fresh", "abandoned", fakegithub.FileChange{Path: "b.txt", Status: "added", Additions: 1})
	gh.AddPull("octo", "fresh", fakegithub.PullRequest{Title: "First", Head: "first", MergedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	gh.AddPull("octo", "fresh", fakegithub.PullRequest{Title: "Abandoned", Head: "abandoned", ClosedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)})
	res, err := get(context.Background(), ps["draft_release_notes"], map[string]string{"owner": "octo", "repo": "fresh"})
	if err != nil {
		t.Fatal(err)
	}
	if list := texts(res)[1]; !strings.Contains(list, "merged so far (the repository has no release yet): 1\n\n- #1 First") {
		t.Errorf("list:\n%s", list)
	}
}

// The --repos allow-list holds for prompts as for tools.
func TestPromptsOutsideTheAllowListAreRefused(t *testing.T) {
	gh := fakegithub.New(token)
	gh.AddDemo()
	u, err := url.Parse(gh.Start())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gh.Close)
	client, err := github.NewClient(github.Options{Token: token, APIURL: u, UserAgent: "test", Limiter: ratelimit.New(ratelimit.Config{}, nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	list, err := allowlist.Parse("octo/hello-docs")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prompts.All(toolkit.Deps{GitHub: client, Repos: list}) {
		_, err := get(context.Background(), p, map[string]string{"owner": "octo", "repo": "hello", "number": "2"})
		var aerr *allowlist.Error
		if !errors.As(err, &aerr) {
			t.Errorf("%s on octo/hello: error %v, want the allow-list's refusal", p.Prompt.Name, err)
		}
	}
	if reqs := gh.Requests(); len(reqs) != 0 {
		t.Errorf("refused prompts reached GitHub: %v", reqs)
	}
}
