package tools

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const codeScanningAlertJSON = `{"number":3,"created_at":"2026-01-02T03:04:05Z","state":"dismissed","dismissed_reason":"false positive","dismissed_comment":"Test code",
	"html_url":"https://github.com/octo/hello/security/code-scanning/3",
	"rule":{"id":"go/sql-injection","severity":"error","security_severity_level":"high","description":"Database query built from user-controlled sources"},
	"tool":{"name":"CodeQL","version":"2.16.0"},
	"most_recent_instance":{"ref":"refs/heads/main","state":"dismissed","message":{"text":"This query depends on a user-provided value."},"location":{"path":"db/query.go","start_line":42,"end_line":42}}}`

func TestCodeScanningAlerts(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/code-scanning/alerts", 200, "["+codeScanningAlertJSON+"]", query("state=dismissed&severity=high&page=1&per_page=20"))
	res := call(t, f.deps(testToken), "list_code_scanning_alerts", `{"owner":"octo","repo":"hello","state":"dismissed","severity":"high"}`)
	item := CodeScanningAlert{Number: 3, State: "dismissed", Severity: "high", Rule: "go/sql-injection", Description: "Database query built from user-controlled sources",
		Tool: "CodeQL", Path: "db/query.go", Line: 42, CreatedAt: "2026-01-02T03:04:05Z", HTMLURL: "https://github.com/octo/hello/security/code-scanning/3"}
	if diff := cmp.Diff(CodeScanningAlertList{Alerts: []CodeScanningAlert{item}}, res.StructuredContent); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	f.on("GET", "/repos/octo/hello/code-scanning/alerts/3", 200, codeScanningAlertJSON, nil)
	res = call(t, f.deps(testToken), "get_code_scanning_alert", `{"owner":"octo","repo":"hello","alert_number":3}`)
	item.Message, item.Ref, item.DismissedReason, item.DismissedComment = "This query depends on a user-provided value.", "refs/heads/main", "false positive", "Test code"
	if diff := cmp.Diff(item, res.StructuredContent); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}
}

const dependabotAlertJSON = `{"number":2,"state":"open","created_at":"2026-01-02T03:04:05Z","html_url":"https://github.com/octo/hello/security/dependabot/2",
	"dependency":{"package":{"ecosystem":"go","name":"golang.org/x/net"},"manifest_path":"go.mod","scope":"runtime"},
	"security_advisory":{"ghsa_id":"GHSA-qppj-fm5r-hxr3","cve_id":"CVE-2023-44487","summary":"HTTP/2 rapid reset","description":"A long description","severity":"high"},
	"security_vulnerability":{"package":{"ecosystem":"go","name":"golang.org/x/net"},"severity":"high","vulnerable_version_range":"< 0.17.0","first_patched_version":{"identifier":"0.17.0"}}}`

func TestDependabotAlerts(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/dependabot/alerts", 200, "["+dependabotAlertJSON+"]", query("state=open&page=1&per_page=20"))
	res := call(t, f.deps(testToken), "list_dependabot_alerts", `{"owner":"octo","repo":"hello"}`)
	item := DependabotAlert{Number: 2, State: "open", Severity: "high", Package: "golang.org/x/net", Ecosystem: "go", Manifest: "go.mod", Summary: "HTTP/2 rapid reset",
		GHSA: "GHSA-qppj-fm5r-hxr3", CVE: "CVE-2023-44487", VulnerableRange: "< 0.17.0", PatchedVersion: "0.17.0", CreatedAt: "2026-01-02T03:04:05Z",
		HTMLURL: "https://github.com/octo/hello/security/dependabot/2"}
	if diff := cmp.Diff(DependabotAlertList{Alerts: []DependabotAlert{item}}, res.StructuredContent); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	f.on("GET", "/repos/octo/hello/dependabot/alerts/2", 200, dependabotAlertJSON, nil)
	res = call(t, f.deps(testToken), "get_dependabot_alert", `{"owner":"octo","repo":"hello","alert_number":2}`)
	item.Description = "A long description"
	if diff := cmp.Diff(item, res.StructuredContent); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}
}

// The secret a secret scanning alert found must never reach the model.
const leakedSecret = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"

const secretAlertJSON = `{"number":4,"created_at":"2026-01-02T03:04:05Z","html_url":"https://github.com/octo/hello/security/secret-scanning/4",
	"state":"resolved","resolution":"revoked","resolved_at":"2026-01-03T03:04:05Z","resolved_by":{"login":"octo"},"resolution_comment":"Rotated",
	"secret_type":"slack_api_token","secret_type_display_name":"Slack API Token","secret":"` + leakedSecret + `","push_protection_bypassed":true}`

func TestSecretScanningAlertsNeverCarryTheSecret(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/secret-scanning/alerts", 200, "["+secretAlertJSON+"]", query("state=resolved&page=1&per_page=20"))
	f.on("GET", "/repos/octo/hello/secret-scanning/alerts/4", 200, secretAlertJSON, nil)
	list := call(t, f.deps(testToken), "list_secret_scanning_alerts", `{"owner":"octo","repo":"hello","state":"resolved"}`)
	item := SecretScanningAlert{Number: 4, State: "resolved", SecretType: "slack_api_token", SecretTypeName: "Slack API Token", Resolution: "revoked",
		PushProtectionBypassed: true, CreatedAt: "2026-01-02T03:04:05Z", HTMLURL: "https://github.com/octo/hello/security/secret-scanning/4"}
	if diff := cmp.Diff(SecretScanningAlertList{Alerts: []SecretScanningAlert{item}}, list.StructuredContent); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	get := call(t, f.deps(testToken), "get_secret_scanning_alert", `{"owner":"octo","repo":"hello","alert_number":4}`)
	item.ResolvedBy, item.ResolvedAt, item.ResolutionComment = "octo", "2026-01-03T03:04:05Z", "Rotated"
	if diff := cmp.Diff(item, get.StructuredContent); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}
	for _, res := range []string{resultText(t, list), resultText(t, get)} {
		if strings.Contains(res, "xoxb-") {
			t.Errorf("a result carries the secret: %s", res)
		}
	}
}
