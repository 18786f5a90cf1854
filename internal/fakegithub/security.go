package fakegithub

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Security alerts of a repository: code scanning, Dependabot and secret
// scanning, each numbered from 1 per kind, listed newest first. Secret
// scanning alerts carry the secret, as GitHub's do: the tools must drop it.

const (
	codeScanningDoc   = "https://docs.github.com/rest/code-scanning/code-scanning"
	dependabotDoc     = "https://docs.github.com/rest/dependabot/alerts"
	secretScanningDoc = "https://docs.github.com/rest/secret-scanning/secret-scanning"
)

// CodeAlert is a code scanning alert added with AddCodeScanningAlert.
type CodeAlert struct {
	Rule, Severity, Path, Message string // Severity: critical, high, medium or low
	Line                          int
	State                         string // open (default), dismissed or fixed
}

// DependabotAlert is a Dependabot alert added with AddDependabotAlert.
type DependabotAlert struct {
	Package, Ecosystem, Severity, Summary, Patched string
	State                                          string // open (default), dismissed, fixed
}

// SecretAlert is a secret scanning alert added with AddSecretAlert.
type SecretAlert struct {
	Type, Secret string
	State        string // open (default) or resolved
}

type repoAlerts struct {
	code       []CodeAlert
	dependabot []DependabotAlert
	secret     []SecretAlert
	created    time.Time
}

// alertsOf returns a repository's alerts, made on first use. The caller
// holds s.mu.
func (s *Server) alertsOf(repo *repoState) *repoAlerts {
	if s.extra.alerts == nil {
		s.extra.alerts = map[string]*repoAlerts{}
	}
	key := repoKey(repo.Owner, repo.Name)
	a := s.extra.alerts[key]
	if a == nil {
		a = &repoAlerts{created: s.now()}
		s.extra.alerts[key] = a
	}
	return a
}

func orOpen(state string) string {
	if state == "" {
		return "open"
	}
	return state
}

// AddCodeScanningAlert adds an alert (open unless told) and returns its
// number. It panics if the repository does not exist.
func (s *Server) AddCodeScanningAlert(owner, repo string, a CodeAlert) int {
	a.State = orOpen(a.State)
	return addAlert(s, owner, repo, func(al *repoAlerts) *[]CodeAlert { return &al.code }, a)
}

// AddDependabotAlert adds an alert (open unless told) and returns its
// number. It panics if the repository does not exist.
func (s *Server) AddDependabotAlert(owner, repo string, a DependabotAlert) int {
	a.State = orOpen(a.State)
	return addAlert(s, owner, repo, func(al *repoAlerts) *[]DependabotAlert { return &al.dependabot }, a)
}

// AddSecretAlert adds an alert (open unless told) and returns its number.
// It panics if the repository does not exist.
func (s *Server) AddSecretAlert(owner, repo string, a SecretAlert) int {
	a.State = orOpen(a.State)
	return addAlert(s, owner, repo, func(al *repoAlerts) *[]SecretAlert { return &al.secret }, a)
}

// addAlert appends an alert to the list of its kind and returns its number.
func addAlert[T any](s *Server, owner, repo string, kind func(*repoAlerts) *[]T, a T) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := kind(s.alertsOf(s.mustRepo("add alert", owner, repo)))
	*list = append(*list, a)
	return len(*list)
}

// alertPage lists the numbers (1-based) of the alerts whose state is in
// the request's state list (all when absent), newest first.
func alertPage(r *http.Request, states []string) []int {
	want := r.URL.Query().Get("state")
	var out []int
	for i := len(states) - 1; i >= 0; i-- {
		if want == "" || slices.Contains(strings.Split(want, ","), states[i]) {
			out = append(out, i+1)
		}
	}
	return out
}

// alertNumber reads the alert number of the path, 1-based, within n.
func alertNumber(r *http.Request, n int) (int, bool) {
	i, err := strconv.Atoi(r.PathValue("number"))
	return i, err == nil && i >= 1 && i <= n
}

func (s *Server) codeAlertJSON(repo *repoState, al *repoAlerts, n int) map[string]any {
	a := al.code[n-1]
	api, web := repoURLs(repo)
	severity := map[string]string{"critical": "error", "high": "error", "medium": "warning", "low": "note"}[a.Severity]
	return map[string]any{
		"number": n, "created_at": timestamp(al.created), "updated_at": timestamp(al.created), "state": a.State,
		"url": fmt.Sprintf("%s/code-scanning/alerts/%d", api, n), "html_url": fmt.Sprintf("%s/security/code-scanning/%d", web, n),
		"dismissed_by": nil, "dismissed_at": nil, "dismissed_reason": nil, "dismissed_comment": nil, "fixed_at": nil,
		"rule":                 map[string]any{"id": a.Rule, "severity": severity, "security_severity_level": a.Severity, "description": a.Message, "name": a.Rule, "tags": []string{"security"}},
		"tool":                 map[string]any{"name": "CodeQL", "guid": nil, "version": "2.16.0"},
		"most_recent_instance": map[string]any{"ref": "refs/heads/" + defaultBranch(repo), "analysis_key": ".github/workflows/codeql.yml:analyze", "state": a.State, "message": map[string]string{"text": a.Message}, "location": map[string]any{"path": a.Path, "start_line": a.Line, "end_line": a.Line, "start_column": 1, "end_column": 2}},
		"instances_url":        fmt.Sprintf("%s/code-scanning/alerts/%d/instances", api, n),
	}
}

func (s *Server) dependabotAlertJSON(repo *repoState, al *repoAlerts, n int) map[string]any {
	a := al.dependabot[n-1]
	api, web := repoURLs(repo)
	pkg := map[string]string{"ecosystem": a.Ecosystem, "name": a.Package}
	var patched any
	if a.Patched != "" {
		patched = map[string]string{"identifier": a.Patched}
	}
	ghsa := fmt.Sprintf("GHSA-fake-%04d-%s", n, strings.ToLower(repo.Name))
	return map[string]any{
		"number": n, "state": a.State, "created_at": timestamp(al.created), "updated_at": timestamp(al.created),
		"url": fmt.Sprintf("%s/dependabot/alerts/%d", api, n), "html_url": fmt.Sprintf("%s/security/dependabot/%d", web, n),
		"dependency":             map[string]any{"package": pkg, "manifest_path": "go.mod", "scope": "runtime"},
		"security_advisory":      map[string]any{"ghsa_id": ghsa, "cve_id": nil, "summary": a.Summary, "description": a.Summary + ".\n\nUpgrade to a patched version.", "severity": a.Severity},
		"security_vulnerability": map[string]any{"package": pkg, "severity": a.Severity, "vulnerable_version_range": "< " + a.Patched, "first_patched_version": patched},
		"dismissed_at":           nil, "dismissed_by": nil, "dismissed_reason": nil, "dismissed_comment": nil, "fixed_at": nil, "auto_dismissed_at": nil,
	}
}

func (s *Server) secretAlertJSON(repo *repoState, al *repoAlerts, n int) map[string]any {
	a := al.secret[n-1]
	api, web := repoURLs(repo)
	resolution := any(nil)
	if a.State == "resolved" {
		resolution = "revoked"
	}
	return map[string]any{
		"number": n, "created_at": timestamp(al.created), "updated_at": timestamp(al.created),
		"url": fmt.Sprintf("%s/secret-scanning/alerts/%d", api, n), "html_url": fmt.Sprintf("%s/security/secret-scanning/%d", web, n),
		"locations_url": fmt.Sprintf("%s/secret-scanning/alerts/%d/locations", api, n),
		"state":         a.State, "resolution": resolution, "resolved_at": nil, "resolved_by": nil, "resolution_comment": nil,
		"secret_type": a.Type, "secret_type_display_name": strings.ReplaceAll(a.Type, "_", " "), "secret": a.Secret,
		"validity": "unknown", "push_protection_bypassed": false,
	}
}

// alertHandler builds the list and get handlers of one alert kind.
func (s *Server) alertHandlers(doc string, states func(*repoAlerts) []string, render func(*repoState, *repoAlerts, int) map[string]any) (list, get http.HandlerFunc) {
	list = func(w http.ResponseWriter, r *http.Request) {
		repo := s.lookupRepo(r)
		if repo == nil {
			writeError(w, http.StatusNotFound, "Not Found", doc)
			return
		}
		al := s.alertsOf(repo)
		out := []map[string]any{}
		for _, n := range paginate(w, r, repoLinkBase(repo, r), alertPage(r, states(al))) {
			out = append(out, render(repo, al, n))
		}
		writeJSON(w, http.StatusOK, out)
	}
	get = func(w http.ResponseWriter, r *http.Request) {
		repo := s.lookupRepo(r)
		if repo == nil {
			writeError(w, http.StatusNotFound, "Not Found", doc)
			return
		}
		al := s.alertsOf(repo)
		n, ok := alertNumber(r, len(states(al)))
		if !ok {
			writeError(w, http.StatusNotFound, "No alert found for alert number "+r.PathValue("number"), doc)
			return
		}
		writeJSON(w, http.StatusOK, render(repo, al, n))
	}
	return list, get
}

// securityRoutes registers the list and get endpoints of the three kinds.
// https://docs.github.com/rest/code-scanning/code-scanning#list-code-scanning-alerts-for-a-repository
// https://docs.github.com/rest/dependabot/alerts#list-dependabot-alerts-for-a-repository
// https://docs.github.com/rest/secret-scanning/secret-scanning#list-secret-scanning-alerts-for-a-repository
func (s *Server) securityRoutes(mux *http.ServeMux) {
	for _, k := range []struct {
		path, doc string
		states    func(*repoAlerts) []string
		render    func(*repoState, *repoAlerts, int) map[string]any
	}{
		{"code-scanning", codeScanningDoc, func(a *repoAlerts) []string {
			return stateList(a.code, func(c CodeAlert) string { return c.State })
		}, s.codeAlertJSON},
		{"dependabot", dependabotDoc, func(a *repoAlerts) []string {
			return stateList(a.dependabot, func(c DependabotAlert) string { return c.State })
		}, s.dependabotAlertJSON},
		{"secret-scanning", secretScanningDoc, func(a *repoAlerts) []string {
			return stateList(a.secret, func(c SecretAlert) string { return c.State })
		}, s.secretAlertJSON},
	} {
		list, get := s.alertHandlers(k.doc, k.states, k.render)
		mux.HandleFunc("GET /repos/{owner}/{repo}/"+k.path+"/alerts", list)
		mux.HandleFunc("GET /repos/{owner}/{repo}/"+k.path+"/alerts/{number}", get)
	}
}

func stateList[T any](items []T, state func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = state(it)
	}
	return out
}

// cmdAlert runs "alert add OWNER/NAME code RULE SEVERITY PATH:LINE MESSAGE",
// "alert add OWNER/NAME dependabot PACKAGE SEVERITY PATCHED SUMMARY" or
// "alert add OWNER/NAME secret TYPE SECRET", and prints the number.
func (s *Server) cmdAlert(args []string) (string, error) {
	if len(args) < 5 || args[0] != "add" {
		return "", usageB("alert")
	}
	owner, repo, err := s.cmdRepoArgB("alert", args[1])
	if err != nil {
		return "", err
	}
	var n int
	switch rest := args[3:]; {
	case args[2] == "code" && len(rest) == 4:
		p, l, _ := strings.Cut(rest[2], ":")
		line, _ := strconv.Atoi(l)
		n = s.AddCodeScanningAlert(owner, repo, CodeAlert{Rule: rest[0], Severity: rest[1], Path: p, Line: line, Message: rest[3]})
	case args[2] == "dependabot" && len(rest) == 4:
		n = s.AddDependabotAlert(owner, repo, DependabotAlert{Package: rest[0], Ecosystem: "go", Severity: rest[1], Patched: rest[2], Summary: rest[3]})
	case args[2] == "secret" && len(rest) == 2:
		n = s.AddSecretAlert(owner, repo, SecretAlert{Type: rest[0], Secret: rest[1]})
	default:
		return "", usageB("alert")
	}
	return strconv.Itoa(n) + "\n", nil
}
