package fakegithub

import (
	"errors"
	"fmt"
	"strings"
)

// Commands of the second catalog round (see Command):
//
//	notification add OWNER/NAME TYPE NUMBER REASON TITLE
//	    an unread thread for the viewer (NUMBER 0 when TYPE has none);
//	    prints its id
//	notifications               the threads, "ID unread|read OWNER/NAME TITLE"
//	alert add OWNER/NAME code RULE SEVERITY PATH:LINE MESSAGE
//	alert add OWNER/NAME dependabot PACKAGE SEVERITY PATCHED SUMMARY
//	alert add OWNER/NAME secret TYPE SECRET
//	    an open security alert; prints its number
//	log OWNER/NAME [REF]        commits reachable from REF (default
//	                            branch), "SHA7 first line", newest first
//	cat OWNER/NAME REF PATH     a file's content at REF
var commandUsageB = []struct{ name, usage string }{
	{"notification", "notification add OWNER/NAME TYPE NUMBER REASON TITLE"},
	{"notifications", "notifications"},
	{"alert", "alert add OWNER/NAME code RULE SEVERITY PATH:LINE MESSAGE | dependabot PACKAGE SEVERITY PATCHED SUMMARY | secret TYPE SECRET"},
	{"log", "log OWNER/NAME [REF]"},
	{"cat", "cat OWNER/NAME REF PATH"},
}

// commandB runs a command of commandUsageB; ok is false for other names.
func (s *Server) commandB(name string, args []string) (out string, ok bool, err error) {
	switch name {
	case "notification":
		out, err = s.cmdNotification(args)
	case "notifications":
		out, err = s.cmdNotifications(args)
	case "alert":
		out, err = s.cmdAlert(args)
	case "log":
		if len(args) < 1 || len(args) > 2 {
			return "", true, usageB(name)
		}
		owner, repo, err := s.cmdRepoArgB(name, args[0])
		if err != nil {
			return "", true, err
		}
		ref := ""
		if len(args) == 2 {
			ref = args[1]
		}
		lines := s.Commits(owner, repo, ref)
		if lines == nil {
			return "", true, fmt.Errorf("no ref %q in %s/%s", ref, owner, repo)
		}
		out = strings.Join(lines, "\n") + "\n"
	case "cat":
		if len(args) != 3 {
			return "", true, usageB(name)
		}
		owner, repo, err := s.cmdRepoArgB(name, args[0])
		if err != nil {
			return "", true, err
		}
		b, found := s.File(owner, repo, args[1], args[2])
		if !found {
			return "", true, fmt.Errorf("no file %s at %s in %s/%s", args[2], args[1], owner, repo)
		}
		out = string(b)
	default:
		return "", false, nil
	}
	return out, true, err
}

// usageB is the error for a misused command of commandUsageB.
func usageB(name string) error {
	for _, c := range commandUsageB {
		if c.name == name {
			return errors.New("usage: " + c.usage)
		}
	}
	return errors.New(commandHelp())
}

// cmdRepoArgB reads an OWNER/NAME argument naming an existing repository.
func (s *Server) cmdRepoArgB(name, arg string) (owner, repo string, err error) {
	owner, repo, ok := splitRepo(arg)
	if !ok {
		return "", "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", arg, usageB(name))
	}
	if !s.hasRepo(owner, repo) {
		return "", "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, repo, owner, repo)
	}
	return owner, repo, nil
}
