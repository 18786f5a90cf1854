package tools

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/allowlist"
)

const notificationsJSON = `[
	{"id":"101","unread":true,"reason":"review_requested","updated_at":"2026-01-02T03:04:05Z","last_read_at":null,
	 "subject":{"title":"Add parser","url":"https://api.github.test/repos/octo/hello/pulls/7","latest_comment_url":null,"type":"PullRequest"},
	 "repository":{"full_name":"octo/hello"},"url":"https://api.github.test/notifications/threads/101"},
	{"id":"102","unread":false,"reason":"subscribed","updated_at":"2026-01-01T03:04:05Z",
	 "subject":{"title":"v1.0","url":"https://api.github.test/repos/evil/other/releases/1","type":"Release"},
	 "repository":{"full_name":"evil/other"}}]`

func TestListNotifications(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/notifications", 200, notificationsJSON, query("all=true&participating=true&since=2026-01-01T00:00:00Z&page=1&per_page=20"))
	res := call(t, f.deps(testToken), "list_notifications", `{"all":true,"participating":true,"since":"2026-01-01"}`)
	want := NotificationList{Notifications: []Notification{
		{ID: "101", Repo: "octo/hello", Type: "PullRequest", Number: 7, Title: "Add parser", Reason: "review_requested", Unread: true, UpdatedAt: "2026-01-02T03:04:05Z"},
		{ID: "102", Repo: "evil/other", Type: "Release", Title: "v1.0", Reason: "subscribed", UpdatedAt: "2026-01-01T03:04:05Z"},
	}}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestListNotificationsOfOneRepository(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/notifications", 200, "[]", query("page=1&per_page=20"))
	res := call(t, f.deps(testToken), "list_notifications", `{"owner":"octo","repo":"hello"}`)
	if diff := cmp.Diff(NotificationList{Notifications: []Notification{}}, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	t.Run("owner without repo", func(t *testing.T) {
		res := call(t, newFakeGitHub(t).deps(testToken), "list_notifications", `{"owner":"octo"}`)
		wantErrorText(t, res, `invalid argument "repo": goes with owner`)
	})
}

func TestListNotificationsUnderAllowList(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/notifications", 200, notificationsJSON, nil)
	d := f.deps(testToken)
	d.Repos, _ = allowlist.Parse("octo/hello")
	got := call(t, d, "list_notifications", `{}`).StructuredContent.(NotificationList)
	if len(got.Notifications) != 1 || got.Notifications[0].Repo != "octo/hello" {
		t.Errorf("notifications = %+v, want only octo/hello's", got.Notifications)
	}
}

func TestMarkNotificationRead(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("PATCH", "/notifications/threads/101", 205, "", nil)
	res := call(t, f.deps(testToken), "mark_notification_read", `{"thread_id":"101"}`)
	if diff := cmp.Diff(NotificationChange{Status: "read"}, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	t.Run("under --repos the thread's repository is checked first", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/notifications/threads/102", 200, `{"id":"102","repository":{"full_name":"evil/other"}}`, nil)
		d := f.deps(testToken)
		d.Repos, _ = allowlist.Parse("octo/hello")
		res := call(t, d, "mark_notification_read", `{"thread_id":"102"}`)
		wantErrorText(t, res, "mark notification 102 read: evil/other is outside the repositories")
	})
	t.Run("a thread id that is not a number", func(t *testing.T) {
		res := call(t, newFakeGitHub(t).deps(testToken), "mark_notification_read", `{"thread_id":"../user"}`)
		wantErrorText(t, res, `invalid argument "thread_id"`, "a number in a string")
	})
}

func TestMarkAllNotificationsRead(t *testing.T) {
	lastRead := func(want string) func(t *testing.T, body []byte, r *http.Request) {
		return func(t *testing.T, body []byte, r *http.Request) {
			var m map[string]string
			json.Unmarshal(body, &m)
			if want != "" && m["last_read_at"] != want || m["last_read_at"] == "" {
				t.Errorf("last_read_at = %q, want %q", m["last_read_at"], want)
			}
		}
	}
	f := newFakeGitHub(t)
	f.on("PUT", "/notifications", 202, `{"message":"Unread notifications couldn't be marked in a single request. Notifications are being marked as read in the background."}`, lastRead(""))
	res := call(t, f.deps(testToken), "mark_all_notifications_read", `{}`)
	want := NotificationChange{Status: "accepted", Note: "GitHub marks them in the background; list_notifications may show some as unread for a while"}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	t.Run("one repository, up to a time", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("PUT", "/repos/octo/hello/notifications", 205, "", lastRead("2026-01-02T00:00:00Z"))
		res := call(t, f.deps(testToken), "mark_all_notifications_read", `{"owner":"octo","repo":"hello","last_read_at":"2026-01-02"}`)
		if diff := cmp.Diff(NotificationChange{Status: "read"}, res.StructuredContent); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("under --repos a repository is required", func(t *testing.T) {
		d := newFakeGitHub(t).deps(testToken)
		d.Repos, _ = allowlist.Parse("octo/hello")
		res := call(t, d, "mark_all_notifications_read", `{}`)
		wantErrorText(t, res, "would touch repositories outside --repos octo/hello; give owner and repo")
	})
}
