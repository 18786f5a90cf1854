package fakegithub

import "time"

// AddDemo adds a small data set to read, the one the interop clients
// (cmd/fakegithub -demo), the resource and prompt tests and the `fake
// demo` transcripts use:
//
//   - octo/hello (pushed 2026-01-20) with README.md, docs/guide.md and
//     logo.png on main, branches feature (a louder README.md) and
//     fix-crash, and release v1.0.0 (published 2026-01-10);
//   - octo/hello-docs (pushed 2026-01-05);
//   - issue #1 "Crash on start" (label bug, by alice) with two comments;
//   - pull request #2 "Say hello loudly" from feature, open (label
//     enhancement, by alice), changing README.md;
//   - pull request #3 "Fix the crash without a config file" from
//     fix-crash, merged 2026-01-15 (label bug, by alice).
//
// Branches live twice in this fake: the files of feature and fix-crash are
// commits of the code history (AddBranch, AddFile), the pull requests'
// changes are pushes (Push).
func (s *Server) AddDemo() {
	at := func(day int) time.Time { return time.Date(2026, 1, day, 10, 0, 0, 0, time.UTC) }
	s.AddUser("alice")
	s.AddRepo(Repo{Owner: "octo", Name: "hello", Description: "Hello", DefaultBranch: "main", License: "MIT", Language: "Go", Topics: []string{"demo"}, Stars: 3, PushedAt: at(20)})
	s.AddRepo(Repo{Owner: "octo", Name: "hello-docs", DefaultBranch: "main", PushedAt: at(5)})

	s.AddFile("octo", "hello", "", "README.md", []byte("# hello\n\nSays hello.\n"), "Say what it does")
	s.AddFile("octo", "hello", "", "docs/guide.md", []byte("# Guide\n\nRun `hello`.\n"), "Add a guide")
	s.AddFile("octo", "hello", "", "logo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "Add a logo")
	s.AddRelease("octo", "hello", Release{Tag: "v1.0.0", Name: "v1.0.0", PublishedAt: at(10)})
	s.AddBranch("octo", "hello", "feature", "", false)
	s.AddFile("octo", "hello", "feature", "README.md", []byte("# hello\n\nSays hello, loudly.\n"), "Say hello loudly")
	s.AddBranch("octo", "hello", "fix-crash", "", false)
	s.AddFile("octo", "hello", "fix-crash", "main.go", []byte("package main\n\nfunc main() {}\n"), "Start without a config file")

	issue := s.AddIssue("octo", "hello", "alice", at(12), Issue{Title: "Crash on start", Body: "It crashes when started without a config file.", Labels: []string{"bug"}})
	s.AddComment("octo", "hello", issue, "octocat", "Which version?", at(12).Add(time.Hour))
	s.AddComment("octo", "hello", issue, "alice", "v1.0.0 on Linux.", at(13))

	s.Push("octo", "hello", "feature", FileChange{Path: "README.md", Additions: 1, Deletions: 1})
	s.AddPull("octo", "hello", PullRequest{Title: "Say hello loudly", Body: "Makes the greeting louder.", Author: "alice", Head: "feature", Labels: []string{"enhancement"}, Created: at(14)})
	s.Push("octo", "hello", "fix-crash", FileChange{Path: "main.go", Status: "added", Additions: 3})
	s.AddPull("octo", "hello", PullRequest{Title: "Fix the crash without a config file", Author: "alice", Head: "fix-crash", Labels: []string{"bug"}, Created: at(14), MergedAt: at(15)})
}
