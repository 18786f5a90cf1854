package fakegithub

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// commandUsage is the usage line of every command Command understands, in
// the order the help lists them.
var commandUsage = []struct{ name, usage string }{
	{"repo", "repo add OWNER/NAME [private] [archived] [description=TEXT]"},
	{"user", "user add LOGIN"},
	{"viewer", "viewer LOGIN"},
	{"milestone", "milestone add OWNER/NAME TITLE"},
	{"fault", "fault METHOD PATH STATUS|reset [Header=Value ...] [times=N] [delay=DUR] [body=TEXT] [after-apply]"},
	{"rate", "rate RESOURCE REMAINING RESET_IN_SECONDS"},
	{"limits", "limits [concurrent=N] [gap=DUR] [perminute=N]"},
	{"requests", "requests"},
	{"resetlog", "resetlog"},
	{"stats", "stats"},
	{"issues", "issues OWNER/NAME"},
	{"clock", "clock TIME|real"},
	{"workflow", "workflow add OWNER/NAME FILE NAME [JOB=CONCLUSION ...] [inputs=A,B] [nodispatch]"},
	{"run", "run finish OWNER/NAME ID [CONCLUSION]"},
	{"runs", "runs OWNER/NAME"},
	{"collaborator", "collaborator add OWNER/NAME LOGIN ROLE"},
	{"collaborators", "collaborators OWNER/NAME"},
	{"push", "push OWNER/NAME BRANCH PATH[:added|:removed][:+N][:-N]..."},
	{"pulls", "pulls OWNER/NAME"},
	{"file", "file add OWNER/NAME PATH TEXT [branch=BRANCH]"},
	{"branch", "branch add OWNER/NAME BRANCH [from=REF]"},
	{"comment", "comment add OWNER/NAME NUMBER LOGIN TEXT"},
	{"pull", "pull add OWNER/NAME HEAD TITLE [base=BRANCH] [author=LOGIN] [labels=A,B] [body=TEXT] [merged=TIME] [closed=TIME]"},
	{"release", "release add OWNER/NAME TAG [published=TIME]"},
	{"demo", "demo"},
}

// Command runs one command of the fake's text interface, meant for
// testscript transcripts (args are the words after the script's command
// name). It returns the command's output, one "\n"-terminated line per
// item, or an error that carries the usage line. The commands:
//
//	repo add OWNER/NAME [private] [archived] [description=TEXT]
//	    add a repository: description "A repository", branch main,
//	    language Go, license MIT, topic demo, 42 stars, 7 forks,
//	    pushed 2026-01-02T03:04:05Z; TEXT may use Go escapes (\u200b, \n),
//	    so scripts can show invisible characters visibly
//	user add LOGIN              a user that issues can be assigned to
//	viewer LOGIN                the token's user (octocat by default)
//	milestone add OWNER/NAME TITLE
//	    add a milestone; prints its number
//	fault METHOD PATH STATUS|reset [Header=Value ...] [times=N] [delay=DUR] [body=TEXT] [after-apply]
//	    queue a Fault; METHOD * matches any method, PATH may end in *,
//	    STATUS reset drops the connection, STATUS 0 only delays
//	rate RESOURCE REMAINING RESET_IN_SECONDS
//	    set what is left of a budget and when it refills; the limit stays
//	limits [concurrent=N] [gap=DUR] [perminute=N]
//	    replace the secondary limits; omitted ones are off
//	requests                    the request log, "METHOD RAWPATH[?QUERY]"
//	resetlog                    empty the request log
//	stats                       the counters on one line
//	issues OWNER/NAME           the issues, "#N STATE TITLE"
//	clock TIME|real             freeze the clock at TIME (RFC 3339), so that
//	                            timestamps are fixed; real lets it run again
//	workflow add OWNER/NAME FILE NAME [JOB=CONCLUSION ...] [inputs=A,B] [nodispatch]
//	    add a workflow whose runs have these jobs (default: build=success);
//	    prints its id
//	run finish OWNER/NAME ID [CONCLUSION]
//	    complete a queued run: each job as declared, or all as CONCLUSION
//	runs OWNER/NAME             the runs, newest first,
//	                            "ID #N WORKFLOW EVENT BRANCH attempt=N STATUS [CONCLUSION]"
//	collaborator add OWNER/NAME LOGIN ROLE
//	    make LOGIN a collaborator at once; ROLE is read, triage, write,
//	    maintain or admin
//	collaborators OWNER/NAME    collaborators then invitees, "LOGIN ROLE [invited]"
//	push OWNER/NAME BRANCH PATH[:added|:removed][:+N][:-N]...
//	    add a commit changing those files (modified, +1 -1 unless
//	    told) to BRANCH, made from the default branch if new; prints
//	    its SHA
//	pulls OWNER/NAME            the pull requests,
//	    "#N STATE HEAD->BASE SHA7 [REVIEWER:STATE ...]"
//	file add OWNER/NAME PATH TEXT [branch=BRANCH]
//	    commit TEXT as PATH to BRANCH (default branch if omitted); prints
//	    the commit's SHA
//	branch add OWNER/NAME BRANCH [from=REF]
//	    create BRANCH at REF (default branch if omitted)
//	comment add OWNER/NAME NUMBER LOGIN TEXT
//	    LOGIN comments TEXT on issue or pull request NUMBER
//	pull add OWNER/NAME HEAD TITLE [base=BRANCH] [author=LOGIN] [labels=A,B] [body=TEXT] [merged=TIME] [closed=TIME]
//	    open a pull request from HEAD, a branch push made; merged or
//	    closed at TIME (RFC 3339) if told; prints its number
//	release add OWNER/NAME TAG [published=TIME]
//	    publish a release at TIME (RFC 3339; now if omitted)
//	demo                        add the data set of AddDemo
func (s *Server) Command(args []string) (string, error) {
	if len(args) == 0 {
		return "", errors.New(commandHelp())
	}
	name, rest := args[0], args[1:]
	var out string
	var err error
	switch name {
	case "repo":
		err = s.cmdRepo(rest)
	case "user":
		if len(rest) != 2 || rest[0] != "add" {
			return "", usage(name)
		}
		s.AddUser(rest[1])
	case "viewer":
		if len(rest) != 1 {
			return "", usage(name)
		}
		s.SetViewer(rest[0])
	case "milestone":
		out, err = s.cmdMilestone(rest)
	case "fault":
		err = s.cmdFault(rest)
	case "rate":
		err = s.cmdRate(rest)
	case "limits":
		err = s.cmdLimits(rest)
	case "requests":
		if len(rest) != 0 {
			return "", usage(name)
		}
		out = s.cmdRequests()
	case "resetlog":
		if len(rest) != 0 {
			return "", usage(name)
		}
		s.ResetLog()
	case "stats":
		if len(rest) != 0 {
			return "", usage(name)
		}
		st := s.Stats()
		out = fmt.Sprintf("requests=%d writes=%d secondary=%d primary=%d notmodified=%d maxinflight=%d duplicates=%d\n",
			st.Requests, st.Writes, st.SecondaryRejections, st.PrimaryRejections, st.NotModified, st.MaxInFlight, st.DuplicateWrites)
	case "issues":
		out, err = s.cmdIssues(rest)
	case "clock":
		err = s.cmdClock(rest)
	case "workflow":
		out, err = s.cmdWorkflow(rest)
	case "run":
		err = s.cmdRun(rest)
	case "runs":
		out, err = s.cmdRuns(rest)
	case "collaborator":
		err = s.cmdCollaborator(rest)
	case "collaborators":
		out, err = s.cmdCollaborators(rest)
	case "push":
		out, err = s.cmdPush(rest)
	case "pulls":
		out, err = s.cmdPulls(rest)
	case "file":
		out, err = s.cmdFile(rest)
	case "branch":
		err = s.cmdBranch(rest)
	case "comment":
		err = s.cmdComment(rest)
	case "pull":
		out, err = s.cmdPull(rest)
	case "release":
		err = s.cmdRelease(rest)
	case "demo":
		if len(rest) != 0 {
			return "", usage(name)
		}
		s.AddDemo()
	default:
		if out, err, ok := s.ciCommand(name, rest); ok {
			return out, err
		}
		if out, ok, err := s.stateCommand(name, rest); ok {
			return out, err
		}
		return "", fmt.Errorf("unknown command %q\n%s", name, commandHelp())
	}
	return out, err
}

// usage is the error for a misused command.
func usage(name string) error {
	for _, c := range commandUsage {
		if c.name == name {
			return errors.New("usage: " + c.usage)
		}
	}
	for _, c := range ciCommands() {
		if c.name == name {
			return errors.New("usage: " + c.usage)
		}
	}
	return errors.New(commandHelp())
}

// commandHelp lists every command.
func commandHelp() string {
	var b strings.Builder
	b.WriteString("usage:")
	for _, c := range append(commandUsage, stateCommandUsage...) {
		b.WriteString("\n\t" + c.usage)
	}
	for _, c := range ciCommands() {
		b.WriteString("\n\t" + c.usage)
	}
	return b.String()
}

// cmdRepoArg reads the OWNER/NAME argument of command name, which must
// name an existing repository.
func (s *Server) cmdRepoArg(name, arg string) (owner, repo string, err error) {
	owner, repo, ok := splitRepo(arg)
	if !ok {
		return "", "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", arg, usage(name))
	}
	if !s.hasRepo(owner, repo) {
		return "", "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, repo, owner, repo)
	}
	return owner, repo, nil
}

// cmdOptions splits the arguments of command name into the first n
// words, the text of the words that follow up to the first option (joined
// by spaces), and KEY=VALUE options, each of which must be allowed. An
// option's value runs to the next option, so it may hold spaces too.
func cmdOptions(name string, args []string, n int, allowed ...string) (words []string, text string, opts map[string]string, err error) {
	if len(args) < n {
		return nil, "", nil, usage(name)
	}
	var rest []string
	opts = map[string]string{}
	last := ""
	for _, a := range args[n:] {
		k, v, ok := strings.Cut(a, "=")
		switch {
		case ok && slices.Contains(allowed, k):
			opts[k], last = v, k
		case last != "":
			opts[last] += " " + a
		default:
			rest = append(rest, a)
		}
	}
	return args[:n], strings.Join(rest, " "), opts, nil
}

// tryAdd runs an Add helper for command name, turning its panic (a missing
// branch, ref or issue) into the command's error.
func tryAdd(name string, add func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v\n%s", r, usage(name))
		}
	}()
	add()
	return nil
}

// cmdTime reads an RFC 3339 option of command name; "" is the zero time.
func cmdTime(name, key, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, fmt.Errorf("%s must be RFC 3339 such as 2026-01-02T03:04:05Z, got %q\n%s", key, v, usage(name))
	}
	return t, nil
}

// splitRepo parses "owner/name".
func splitRepo(full string) (owner, name string, ok bool) {
	owner, name, ok = strings.Cut(full, "/")
	return owner, name, ok && owner != "" && name != "" && !strings.Contains(name, "/")
}

// cmdRepo runs "repo add OWNER/NAME [private] [archived]".
func (s *Server) cmdRepo(args []string) error {
	if len(args) < 2 || args[0] != "add" {
		return usage("repo")
	}
	owner, name, ok := splitRepo(args[1])
	if !ok {
		return fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[1], usage("repo"))
	}
	r := Repo{
		Owner:         owner,
		Name:          name,
		Description:   "A repository",
		DefaultBranch: "main",
		Language:      "Go",
		License:       "MIT",
		Topics:        []string{"demo"},
		Stars:         42,
		Forks:         7,
		PushedAt:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	for _, flag := range args[2:] {
		if text, ok := strings.CutPrefix(flag, "description="); ok {
			d, err := strconv.Unquote(`"` + strings.ReplaceAll(text, `"`, `\"`) + `"`)
			if err != nil {
				return fmt.Errorf("bad escape in description %q: %v\n%s", text, err, usage("repo"))
			}
			r.Description = d
			continue
		}
		switch flag {
		case "private":
			r.Private = true
		case "archived":
			r.Archived = true
		default:
			return fmt.Errorf("unknown repo flag %q\n%s", flag, usage("repo"))
		}
	}
	s.AddRepo(r)
	return nil
}

// cmdMilestone runs "milestone add OWNER/NAME TITLE".
func (s *Server) cmdMilestone(args []string) (string, error) {
	if len(args) != 3 || args[0] != "add" {
		return "", usage("milestone")
	}
	owner, name, ok := splitRepo(args[1])
	if !ok {
		return "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[1], usage("milestone"))
	}
	s.mu.Lock()
	exists := s.repos[repoKey(owner, name)] != nil
	s.mu.Unlock()
	if !exists {
		return "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, name, owner, name)
	}
	return strconv.Itoa(s.AddMilestone(owner, name, args[2])) + "\n", nil
}

// cmdFault runs "fault METHOD PATH STATUS|reset [options]".
func (s *Server) cmdFault(args []string) error {
	if len(args) < 3 {
		return usage("fault")
	}
	f := Fault{Method: args[0], Path: args[1]}
	if f.Method == "*" || strings.EqualFold(f.Method, "any") {
		f.Method = ""
	}
	if args[2] == "reset" {
		f.Hijack = true
	} else {
		status, err := strconv.Atoi(args[2])
		if err != nil || status < 0 || status > 999 {
			return fmt.Errorf("STATUS must be an HTTP status or reset, got %q\n%s", args[2], usage("fault"))
		}
		f.Status = status
	}
	for _, opt := range args[3:] {
		if opt == "after-apply" {
			f.AfterApply = true
			continue
		}
		key, value, ok := strings.Cut(opt, "=")
		if !ok || key == "" {
			return fmt.Errorf("fault option must be Header=Value, times=N, delay=DUR, body=TEXT or after-apply, got %q\n%s", opt, usage("fault"))
		}
		switch key {
		case "times":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return fmt.Errorf("times must be a positive integer, got %q\n%s", value, usage("fault"))
			}
			f.Times = n
		case "delay":
			d, err := time.ParseDuration(value)
			if err != nil || d < 0 {
				return fmt.Errorf("delay must be a duration such as 500ms, got %q\n%s", value, usage("fault"))
			}
			f.Delay = d
		case "body":
			f.Body = value
		default:
			if f.Header == nil {
				f.Header = map[string]string{}
			}
			f.Header[key] = value
		}
	}
	s.Inject(f)
	return nil
}

// cmdRate runs "rate RESOURCE REMAINING RESET_IN_SECONDS".
func (s *Server) cmdRate(args []string) error {
	if len(args) != 3 {
		return usage("rate")
	}
	remaining, err := strconv.Atoi(args[1])
	if err != nil || remaining < 0 {
		return fmt.Errorf("REMAINING must be a non-negative integer, got %q\n%s", args[1], usage("rate"))
	}
	secs, err := strconv.ParseFloat(args[2], 64)
	if err != nil {
		return fmt.Errorf("RESET_IN_SECONDS must be a number, got %q\n%s", args[2], usage("rate"))
	}
	s.mu.Lock()
	now := s.now()
	limit := s.rate(args[0], now).limit
	s.mu.Unlock()
	s.SetRate(args[0], limit, remaining, now.Add(time.Duration(secs*float64(time.Second))))
	return nil
}

// cmdLimits runs "limits [concurrent=N] [gap=DUR] [perminute=N]".
func (s *Server) cmdLimits(args []string) error {
	var l Limits
	for _, opt := range args {
		key, value, _ := strings.Cut(opt, "=")
		var err error
		switch key {
		case "concurrent":
			l.MaxConcurrent, err = strconv.Atoi(value)
		case "gap":
			l.MinWriteGap, err = time.ParseDuration(value)
		case "perminute":
			l.WritesPerMinute, err = strconv.Atoi(value)
		default:
			return fmt.Errorf("unknown limit %q\n%s", opt, usage("limits"))
		}
		if err != nil {
			return fmt.Errorf("bad value in %q: %v\n%s", opt, err, usage("limits"))
		}
	}
	s.SetLimits(l)
	return nil
}

// cmdRequests renders the request log.
func (s *Server) cmdRequests() string {
	var b strings.Builder
	for _, r := range s.Requests() {
		b.WriteString(r.Method + " " + r.RawPath)
		if r.Query != "" {
			b.WriteString("?" + r.Query)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// cmdIssues runs "issues OWNER/NAME".
func (s *Server) cmdIssues(args []string) (string, error) {
	if len(args) != 1 {
		return "", usage("issues")
	}
	owner, name, ok := splitRepo(args[0])
	if !ok {
		return "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[0], usage("issues"))
	}
	issues := s.Issues(owner, name)
	if issues == nil {
		return "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, name, owner, name)
	}
	var b strings.Builder
	for _, is := range issues {
		fmt.Fprintf(&b, "#%d %s %s\n", is.Number, is.State, is.Title)
	}
	return b.String(), nil
}

// Commands of the catalog (issue 12), kept apart from command.go's
// switch: each has a usage line (help lists them after command.go's) and
// a function. (A function, not a variable: the commands' usage errors
// read the list.)
func ciCommands() []ciCmd {
	return []ciCmd{
		{"checkrun", "checkrun OWNER/NAME REF NAME success|failure|cancelled|skipped|queued|in_progress [url=URL]", (*Server).cmdCheckRun},
		{"status", "status OWNER/NAME REF CONTEXT success|failure|error|pending [url=URL]", (*Server).cmdStatus},
		{"artifact", "artifact add OWNER/NAME RUN NAME SIZE", (*Server).cmdArtifact},
	}
}

type ciCmd struct {
	name, usage string
	run         func(s *Server, args []string) (string, error)
}

// ciCommand runs a command of ciCommands; ok is false for another
// name.
//
//	checkrun OWNER/NAME REF NAME CONCLUSION|STATUS [url=URL]
//	    set check run NAME on REF (a branch: its head; or a SHA),
//	    replacing one of that name; queued and in_progress are unfinished
//	status OWNER/NAME REF CONTEXT STATE [url=URL]
//	    add a commit status on REF; the latest of a context counts
//	artifact add OWNER/NAME RUN NAME SIZE
//	    add an artifact of SIZE bytes to run RUN; prints its id
func (s *Server) ciCommand(name string, args []string) (out string, err error, ok bool) {
	for _, c := range ciCommands() {
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
var stateCommandUsage = []struct{ name, usage string }{
	{"notification", "notification add OWNER/NAME TYPE NUMBER REASON TITLE"},
	{"notifications", "notifications"},
	{"alert", "alert add OWNER/NAME code RULE SEVERITY PATH:LINE MESSAGE | dependabot PACKAGE SEVERITY PATCHED SUMMARY | secret TYPE SECRET"},
	{"log", "log OWNER/NAME [REF]"},
	{"cat", "cat OWNER/NAME REF PATH"},
}

// stateCommand runs a command of stateCommandUsage; ok is false for other names.
func (s *Server) stateCommand(name string, args []string) (out string, ok bool, err error) {
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

// usageB is the error for a misused command of stateCommandUsage.
func usageB(name string) error {
	for _, c := range stateCommandUsage {
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
