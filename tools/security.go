package tools

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// The security toolset, read-only: code scanning, Dependabot and secret
// scanning alerts. A secret scanning alert carries the secret it found;
// no result here ever includes it (the types below have no field for it).

// advisoryCap bounds a Dependabot advisory's description in
// get_dependabot_alert.
const advisoryCap = 4 << 10

// securityTools are the security toolset.
func securityTools() []toolkit.Tool {
	return []toolkit.Tool{
		listCodeScanningAlerts(),
		getCodeScanningAlert(),
		listDependabotAlerts(),
		getDependabotAlert(),
		listSecretScanningAlerts(),
		getSecretScanningAlert(),
	}
}

// AlertArgs name one alert.
type AlertArgs struct {
	RepoArgs
	AlertNumber int `json:"alert_number" ghmcp:"range=1.."`
}

// CodeScanningAlert is a code scanning alert; details only from
// get_code_scanning_alert.
type CodeScanningAlert struct {
	Number           int                   `json:"number"`
	State            string                `json:"state"`
	Severity         string                `json:"severity" jsonschema:"Security severity (critical..low), else the rule's (error, warning, note)"`
	Rule             string                `json:"rule"`
	Description      toolkit.Untrusted     `json:"description"`
	Tool             string                `json:"tool"`
	Path             toolkit.UntrustedCode `json:"path,omitempty"`
	Line             int                   `json:"line,omitempty"`
	CreatedAt        string                `json:"created_at"`
	HTMLURL          string                `json:"html_url"`
	Message          toolkit.Untrusted     `json:"message,omitempty"`
	Ref              string                `json:"ref,omitempty"`
	DismissedReason  string                `json:"dismissed_reason,omitempty"`
	DismissedComment toolkit.Untrusted     `json:"dismissed_comment,omitempty"`
	FixedAt          string                `json:"fixed_at,omitempty"`
}

// CodeScanningAlertList is a page of code scanning alerts.
type CodeScanningAlertList struct {
	Alerts   []CodeScanningAlert `json:"alerts"`
	NextPage int                 `json:"next_page,omitempty"`
}

func codeScanningAlert(a *gh.Alert, details bool) CodeScanningAlert {
	inst := a.GetMostRecentInstance()
	out := CodeScanningAlert{
		Number: a.GetNumber(), State: a.GetState(), Severity: a.GetRule().GetSecuritySeverityLevel(),
		Rule: a.GetRule().GetID(), Description: untrusted(a.GetRule().GetDescription()), Tool: a.GetTool().GetName(),
		Path: code(inst.GetLocation().GetPath()), Line: inst.GetLocation().GetStartLine(),
		CreatedAt: ts(a.CreatedAt), HTMLURL: a.GetHTMLURL(),
	}
	if out.Severity == "" {
		out.Severity = a.GetRule().GetSeverity()
	}
	if details {
		out.Message = untrusted(inst.GetMessage().GetText())
		out.Ref = inst.GetRef()
		out.DismissedReason = a.GetDismissedReason()
		out.DismissedComment = untrusted(a.GetDismissedComment())
		out.FixedAt = ts(a.FixedAt)
	}
	return out
}

// ListCodeScanningAlertsArgs are the arguments of list_code_scanning_alerts.
type ListCodeScanningAlertsArgs struct {
	RepoArgs
	State    string `json:"state,omitempty" ghmcp:"enum=open|closed|dismissed|fixed,default=open"`
	Severity string `json:"severity,omitempty" ghmcp:"enum=critical|high|medium|low|error|warning|note"`
	Ref      string `json:"ref,omitempty" jsonschema:"Branch, or refs/pull/N/merge; default branch if omitted" ghmcp:"ref,quiet"`
	PageArgs
}

// listCodeScanningAlerts calls GET /repos/{owner}/{repo}/code-scanning/alerts.
// https://docs.github.com/rest/code-scanning/code-scanning#list-code-scanning-alerts-for-a-repository
func listCodeScanningAlerts() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_code_scanning_alerts",
		Toolset: ToolsetSecurity,
		Kind:    toolkit.Read,
		Desc:    "List code scanning alerts, newest first.",
	}, func(ctx context.Context, d toolkit.Deps, in ListCodeScanningAlertsArgs) (CodeScanningAlertList, error) {
		what := "list code scanning alerts of " + in.RepoArgs.String()
		as, resp, err := d.GitHub.CodeScanning.ListAlertsForRepo(ctx, in.Owner, in.Repo, &gh.AlertListOptions{
			State: in.State, Severity: in.Severity, Ref: in.Ref, ListOptions: in.listOptions(),
		})
		if err != nil {
			return CodeScanningAlertList{}, toolkit.Op(what, err)
		}
		out := CodeScanningAlertList{Alerts: []CodeScanningAlert{}, NextPage: nextPage(resp)}
		for _, a := range as {
			out.Alerts = append(out.Alerts, codeScanningAlert(a, false))
		}
		return out, nil
	})
}

// getCodeScanningAlert calls GET /repos/{owner}/{repo}/code-scanning/alerts/{alert_number}.
// https://docs.github.com/rest/code-scanning/code-scanning#get-a-code-scanning-alert
func getCodeScanningAlert() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_code_scanning_alert",
		Toolset: ToolsetSecurity,
		Kind:    toolkit.Read,
		Desc:    "Get a code scanning alert with its message and dismissal.",
	}, func(ctx context.Context, d toolkit.Deps, in AlertArgs) (CodeScanningAlert, error) {
		what := fmt.Sprintf("get code scanning alert %d of %s", in.AlertNumber, in.RepoArgs)
		a, _, err := d.GitHub.CodeScanning.GetAlert(ctx, in.Owner, in.Repo, int64(in.AlertNumber))
		if err != nil {
			return CodeScanningAlert{}, toolkit.Op(what, err)
		}
		return codeScanningAlert(a, true), nil
	})
}

// DependabotAlert is a Dependabot alert; details only from
// get_dependabot_alert.
type DependabotAlert struct {
	Number           int                   `json:"number"`
	State            string                `json:"state"`
	Severity         string                `json:"severity"`
	Package          string                `json:"package"`
	Ecosystem        string                `json:"ecosystem"`
	Manifest         toolkit.UntrustedCode `json:"manifest"`
	Summary          toolkit.Untrusted     `json:"summary"`
	GHSA             string                `json:"ghsa_id"`
	CVE              string                `json:"cve_id,omitempty"`
	VulnerableRange  string                `json:"vulnerable_range,omitempty"`
	PatchedVersion   string                `json:"patched_version,omitempty" jsonschema:"First fixed version; absent when none"`
	CreatedAt        string                `json:"created_at"`
	HTMLURL          string                `json:"html_url"`
	Description      toolkit.Untrusted     `json:"description,omitempty"`
	Truncated        bool                  `json:"truncated,omitempty" jsonschema:"description was cut; html_url has it whole"`
	DismissedReason  string                `json:"dismissed_reason,omitempty"`
	DismissedComment toolkit.Untrusted     `json:"dismissed_comment,omitempty"`
	FixedAt          string                `json:"fixed_at,omitempty"`
}

// DependabotAlertList is a page of Dependabot alerts.
type DependabotAlertList struct {
	Alerts   []DependabotAlert `json:"alerts"`
	NextPage int               `json:"next_page,omitempty"`
}

func dependabotAlert(d toolkit.Deps, a *gh.DependabotAlert, details bool) DependabotAlert {
	adv, vuln := a.GetSecurityAdvisory(), a.GetSecurityVulnerability()
	out := DependabotAlert{
		Number: a.GetNumber(), State: a.GetState(), Severity: adv.GetSeverity(),
		Package: a.GetDependency().GetPackage().GetName(), Ecosystem: a.GetDependency().GetPackage().GetEcosystem(),
		Manifest: code(a.GetDependency().GetManifestPath()), Summary: untrusted(adv.GetSummary()),
		GHSA: adv.GetGHSAID(), CVE: adv.GetCVEID(),
		VulnerableRange: vuln.GetVulnerableVersionRange(), PatchedVersion: vuln.GetFirstPatchedVersion().GetIdentifier(),
		CreatedAt: ts(a.CreatedAt), HTMLURL: a.GetHTMLURL(),
	}
	if details {
		desc, cut := d.CapText(adv.GetDescription(), advisoryCap) // redacted before the cut
		out.Description, out.Truncated = untrusted(desc), cut
		out.DismissedReason = a.GetDismissedReason()
		out.DismissedComment = untrusted(a.GetDismissedComment())
		out.FixedAt = ts(a.FixedAt)
	}
	return out
}

// ListDependabotAlertsArgs are the arguments of list_dependabot_alerts.
type ListDependabotAlertsArgs struct {
	RepoArgs
	State    string `json:"state,omitempty" ghmcp:"enum=open|fixed|dismissed|auto_dismissed,default=open"`
	Severity string `json:"severity,omitempty" ghmcp:"enum=critical|high|medium|low"`
	PageArgs
}

// listDependabotAlerts calls GET /repos/{owner}/{repo}/dependabot/alerts.
// https://docs.github.com/rest/dependabot/alerts#list-dependabot-alerts-for-a-repository
func listDependabotAlerts() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_dependabot_alerts",
		Toolset: ToolsetSecurity,
		Kind:    toolkit.Read,
		Desc:    "List Dependabot alerts on vulnerable dependencies, newest first.",
	}, func(ctx context.Context, d toolkit.Deps, in ListDependabotAlertsArgs) (DependabotAlertList, error) {
		what := "list Dependabot alerts of " + in.RepoArgs.String()
		opts := &gh.ListAlertsOptions{State: &in.State, ListOptions: in.listOptions()}
		if in.Severity != "" {
			opts.Severity = &in.Severity
		}
		as, resp, err := d.GitHub.Dependabot.ListRepoAlerts(ctx, in.Owner, in.Repo, opts)
		if err != nil {
			return DependabotAlertList{}, toolkit.Op(what, err)
		}
		out := DependabotAlertList{Alerts: []DependabotAlert{}, NextPage: nextPage(resp)}
		for _, a := range as {
			out.Alerts = append(out.Alerts, dependabotAlert(d, a, false))
		}
		return out, nil
	})
}

// getDependabotAlert calls GET /repos/{owner}/{repo}/dependabot/alerts/{alert_number}.
// https://docs.github.com/rest/dependabot/alerts#get-a-dependabot-alert
func getDependabotAlert() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_dependabot_alert",
		Toolset: ToolsetSecurity,
		Kind:    toolkit.Read,
		Desc:    "Get a Dependabot alert with its advisory (4 KB) and dismissal.",
	}, func(ctx context.Context, d toolkit.Deps, in AlertArgs) (DependabotAlert, error) {
		what := fmt.Sprintf("get Dependabot alert %d of %s", in.AlertNumber, in.RepoArgs)
		a, _, err := d.GitHub.Dependabot.GetRepoAlert(ctx, in.Owner, in.Repo, in.AlertNumber)
		if err != nil {
			return DependabotAlert{}, toolkit.Op(what, err)
		}
		return dependabotAlert(d, a, true), nil
	})
}

// SecretScanningAlert is a secret scanning alert, without the secret.
type SecretScanningAlert struct {
	Number                 int               `json:"number"`
	State                  string            `json:"state"`
	SecretType             string            `json:"secret_type"`
	SecretTypeName         string            `json:"secret_type_name,omitempty"`
	Resolution             string            `json:"resolution,omitempty"`
	PushProtectionBypassed bool              `json:"push_protection_bypassed,omitempty"`
	CreatedAt              string            `json:"created_at"`
	HTMLURL                string            `json:"html_url" jsonschema:"Where a person with access sees the secret"`
	ResolvedBy             string            `json:"resolved_by,omitempty"`
	ResolvedAt             string            `json:"resolved_at,omitempty"`
	ResolutionComment      toolkit.Untrusted `json:"resolution_comment,omitempty"`
}

// SecretScanningAlertList is a page of secret scanning alerts.
type SecretScanningAlertList struct {
	Alerts   []SecretScanningAlert `json:"alerts"`
	NextPage int                   `json:"next_page,omitempty"`
}

// secretScanningAlert copies what a model may see of an alert: never
// a.Secret.
func secretScanningAlert(a *gh.SecretScanningAlert, details bool) SecretScanningAlert {
	out := SecretScanningAlert{
		Number: a.GetNumber(), State: a.GetState(), SecretType: a.GetSecretType(), SecretTypeName: a.GetSecretTypeDisplayName(),
		Resolution: a.GetResolution(), PushProtectionBypassed: a.GetPushProtectionBypassed(),
		CreatedAt: ts(a.CreatedAt), HTMLURL: a.GetHTMLURL(),
	}
	if details {
		out.ResolvedBy = login(a.ResolvedBy)
		out.ResolvedAt = ts(a.ResolvedAt)
		out.ResolutionComment = untrusted(a.GetResolutionComment())
	}
	return out
}

// ListSecretScanningAlertsArgs are the arguments of list_secret_scanning_alerts.
type ListSecretScanningAlertsArgs struct {
	RepoArgs
	State string `json:"state,omitempty" ghmcp:"enum=open|resolved,default=open"`
	PageArgs
}

// listSecretScanningAlerts calls GET /repos/{owner}/{repo}/secret-scanning/alerts.
// https://docs.github.com/rest/secret-scanning/secret-scanning#list-secret-scanning-alerts-for-a-repository
func listSecretScanningAlerts() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_secret_scanning_alerts",
		Toolset: ToolsetSecurity,
		Kind:    toolkit.Read,
		Desc:    "List secret scanning alerts (never the secrets), newest first.",
	}, func(ctx context.Context, d toolkit.Deps, in ListSecretScanningAlertsArgs) (SecretScanningAlertList, error) {
		what := "list secret scanning alerts of " + in.RepoArgs.String()
		as, resp, err := d.GitHub.SecretScanning.ListAlertsForRepo(ctx, in.Owner, in.Repo, &gh.SecretScanningAlertListOptions{
			State: in.State, ListOptions: in.listOptions(),
		})
		if err != nil {
			return SecretScanningAlertList{}, toolkit.Op(what, err)
		}
		out := SecretScanningAlertList{Alerts: []SecretScanningAlert{}, NextPage: nextPage(resp)}
		for _, a := range as {
			out.Alerts = append(out.Alerts, secretScanningAlert(a, false))
		}
		return out, nil
	})
}

// getSecretScanningAlert calls GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}.
// https://docs.github.com/rest/secret-scanning/secret-scanning#get-a-secret-scanning-alert
func getSecretScanningAlert() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_secret_scanning_alert",
		Toolset: ToolsetSecurity,
		Kind:    toolkit.Read,
		Desc:    "Get a secret scanning alert with its resolution (never the secret).",
	}, func(ctx context.Context, d toolkit.Deps, in AlertArgs) (SecretScanningAlert, error) {
		what := fmt.Sprintf("get secret scanning alert %d of %s", in.AlertNumber, in.RepoArgs)
		a, _, err := d.GitHub.SecretScanning.GetAlert(ctx, in.Owner, in.Repo, int64(in.AlertNumber))
		if err != nil {
			return SecretScanningAlert{}, toolkit.Op(what, err)
		}
		return secretScanningAlert(a, true), nil
	})
}
