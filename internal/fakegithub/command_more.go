package fakegithub

import (
	"fmt"
	"strings"
)

// Commands of the catalog (issue 12), kept apart from command.go's
// switch: each has a usage line (help lists them after command.go's) and
// a function. (A function, not a variable: the commands' usage errors
// read the list.)
func moreCommands() []moreCmd {
	return []moreCmd{
		{"checkrun", "checkrun OWNER/NAME REF NAME success|failure|cancelled|skipped|queued|in_progress [url=URL]", (*Server).cmdCheckRun},
		{"status", "status OWNER/NAME REF CONTEXT success|failure|error|pending [url=URL]", (*Server).cmdStatus},
		{"artifact", "artifact add OWNER/NAME RUN NAME SIZE", (*Server).cmdArtifact},
	}
}

type moreCmd struct {
	name, usage string
	run         func(s *Server, args []string) (string, error)
}

// moreCommand runs a command of moreCommands; ok is false for another
// name.
//
//	checkrun OWNER/NAME REF NAME CONCLUSION|STATUS [url=URL]
//	    set check run NAME on REF (a branch: its head; or a SHA),
//	    replacing one of that name; queued and in_progress are unfinished
//	status OWNER/NAME REF CONTEXT STATE [url=URL]
//	    add a commit status on REF; the latest of a context counts
//	artifact add OWNER/NAME RUN NAME SIZE
//	    add an artifact of SIZE bytes to run RUN; prints its id
func (s *Server) moreCommand(name string, args []string) (out string, err error, ok bool) {
	for _, c := range moreCommands() {
		if c.name == name {
			out, err = c.run(s, args)
			return out, err, true
		}
	}
	return "", nil, false
}

// ciTarget reads OWNER/NAME REF for command name: REF is a branch (its
// head commit) or a SHA.
func (s *Server) ciTarget(name string, args []string) (owner, repo, sha string, err error) {
	owner, repo, err = s.cmdRepoArg(name, args[0])
	if err != nil {
		return "", "", "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.pullRepo(s.repos[repoKey(owner, repo)]).branches[args[1]]; b != nil {
		return owner, repo, b.head(), nil
	}
	if len(args[1]) == 40 && isHex(args[1]) {
		return owner, repo, strings.ToLower(args[1]), nil
	}
	return "", "", "", fmt.Errorf("REF must be a branch or a 40-digit SHA, got %q\n%s", args[1], usage(name))
}

// cmdCheckRun runs "checkrun OWNER/NAME REF NAME CONCLUSION|STATUS [url=URL]".
func (s *Server) cmdCheckRun(args []string) (string, error) {
	words, _, opts, err := cmdOptions("checkrun", args, 4, "url")
	if err != nil {
		return "", err
	}
	owner, repo, sha, err := s.ciTarget("checkrun", words)
	if err != nil {
		return "", err
	}
	run := CheckRun{Name: words[2], DetailsURL: opts["url"]}
	switch words[3] {
	case "queued", "in_progress":
		run.Status = words[3]
	case "success", "failure", "cancelled", "skipped", "neutral", "timed_out", "action_required":
		run.Conclusion = words[3]
	default:
		return "", usage("checkrun")
	}
	s.SetCheckRun(owner, repo, sha, run)
	return "", nil
}

// cmdStatus runs "status OWNER/NAME REF CONTEXT STATE [url=URL]".
func (s *Server) cmdStatus(args []string) (string, error) {
	words, _, opts, err := cmdOptions("status", args, 4, "url")
	if err != nil {
		return "", err
	}
	owner, repo, sha, err := s.ciTarget("status", words)
	if err != nil {
		return "", err
	}
	switch words[3] {
	case "success", "failure", "error", "pending":
	default:
		return "", usage("status")
	}
	s.SetStatus(owner, repo, sha, Status{Context: words[2], State: words[3], TargetURL: opts["url"]})
	return "", nil
}
