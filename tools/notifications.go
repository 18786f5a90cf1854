package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// The notifications toolset: the token's user's inbox. GitHub serves it
// to classic tokens (notifications or repo scope) only: fine-grained
// tokens get 403.

// notificationTools are the notifications toolset.
func notificationTools() []toolkit.Tool {
	return []toolkit.Tool{
		listNotifications(),
		markNotificationRead(),
		markAllNotificationsRead(),
	}
}

// NotificationRepoArgs optionally name one repository.
type NotificationRepoArgs struct {
	Owner string `json:"owner,omitempty" ghmcp:"owner"`
	Repo  string `json:"repo,omitempty" jsonschema:"With owner: only this repository" ghmcp:"repo"`
}

// check refuses one of owner and repo without the other.
func (a NotificationRepoArgs) check() error {
	if (a.Owner == "") != (a.Repo == "") {
		return &toolkit.ArgError{Arg: "repo", Problem: "goes with owner: give both, or neither for every repository", Example: `{"owner":"octo","repo":"hello"}`}
	}
	return nil
}

// ListNotificationsArgs are the arguments of list_notifications.
type ListNotificationsArgs struct {
	NotificationRepoArgs
	All           bool   `json:"all,omitempty" jsonschema:"Include read ones"`
	Participating bool   `json:"participating,omitempty" jsonschema:"Only where you are mentioned, assigned, reviewing or commenting"`
	Since         string `json:"since,omitempty" jsonschema:"Updated since (RFC 3339)"`
	PageArgs
}

// Notification is one thread of the inbox.
type Notification struct {
	ID        string            `json:"id" jsonschema:"Thread id for mark_notification_read"`
	Repo      string            `json:"repo"`
	Type      string            `json:"type" jsonschema:"Issue, PullRequest, Release, CheckSuite, Discussion, ..."`
	Number    int               `json:"number,omitempty" jsonschema:"Issue or pull request number"`
	Title     toolkit.Untrusted `json:"title"`
	Reason    string            `json:"reason" jsonschema:"mention, review_requested, assign, author, comment, ci_activity, subscribed, ..."`
	Unread    bool              `json:"unread"`
	UpdatedAt string            `json:"updated_at"`
}

// NotificationList is a page of notifications, newest first.
type NotificationList struct {
	Notifications []Notification `json:"notifications"`
	NextPage      int            `json:"next_page,omitempty"`
}

// subjectNumber is the issue or pull request number at the end of a
// notification subject's API URL (".../issues/12", ".../pulls/7").
func subjectNumber(raw string) int {
	u, err := url.Parse(raw)
	if err != nil {
		return 0
	}
	dir, last := path.Split(strings.TrimSuffix(u.Path, "/"))
	if !strings.HasSuffix(dir, "/issues/") && !strings.HasSuffix(dir, "/pulls/") {
		return 0
	}
	var n int
	if _, err := fmt.Sscanf(last, "%d", &n); err != nil {
		return 0
	}
	return n
}

// listNotifications calls GET /notifications, or GET
// /repos/{owner}/{repo}/notifications for one repository. Under --repos,
// threads of other repositories are left out.
// https://docs.github.com/rest/activity/notifications#list-notifications-for-the-authenticated-user
func listNotifications() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_notifications",
		Toolset: ToolsetNotifications,
		Kind:    toolkit.Read,
		Desc:    "List your unread notifications (all: read ones too), newest first.",
	}, func(ctx context.Context, d toolkit.Deps, in ListNotificationsArgs) (NotificationList, error) {
		what := "list notifications"
		if in.Owner != "" {
			what += " of " + in.Owner + "/" + in.Repo
		}
		if err := in.check(); err != nil {
			return NotificationList{}, err
		}
		since, err := parseTimeArg("since", in.Since)
		if err != nil {
			return NotificationList{}, err
		}
		opts := &gh.NotificationListOptions{All: in.All, Participating: in.Participating, Since: since, ListOptions: in.listOptions()}
		var ns []*gh.Notification
		var resp *gh.Response
		if in.Repo != "" {
			ns, resp, err = d.GitHub.Activity.ListRepositoryNotifications(ctx, in.Owner, in.Repo, opts)
		} else {
			ns, resp, err = d.GitHub.Activity.ListNotifications(ctx, opts)
		}
		if err != nil {
			return NotificationList{}, toolkit.Op(what, err)
		}
		out := NotificationList{Notifications: []Notification{}, NextPage: nextPage(resp)}
		for _, n := range ns {
			repo := n.GetRepository().GetFullName()
			if !d.Repos.AllowedFullName(repo) {
				continue
			}
			out.Notifications = append(out.Notifications, Notification{
				ID: n.GetID(), Repo: repo, Type: n.GetSubject().GetType(), Number: subjectNumber(n.GetSubject().GetURL()),
				Title: untrusted(n.GetSubject().GetTitle()), Reason: n.GetReason(), Unread: n.GetUnread(), UpdatedAt: ts(n.UpdatedAt),
			})
		}
		return out, nil
	})
}

// NotificationThreadArgs name a notification thread.
type NotificationThreadArgs struct {
	ThreadID string `json:"thread_id" jsonschema:"id from list_notifications" ghmcp:"len=1..20"`
}

// NotificationChange is what a mark tool did.
type NotificationChange struct {
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
}

// markNotificationRead calls PATCH /notifications/threads/{thread_id};
// under --repos it first reads the thread (GET /notifications/threads/{id})
// to check its repository.
// https://docs.github.com/rest/activity/notifications#mark-a-thread-as-read
func markNotificationRead() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "mark_notification_read",
		Toolset: ToolsetNotifications,
		Kind:    toolkit.Update,
		Desc:    "Mark one notification thread as read.",
	}, func(ctx context.Context, d toolkit.Deps, in NotificationThreadArgs) (NotificationChange, error) {
		what := "mark notification " + in.ThreadID + " read"
		if strings.Trim(in.ThreadID, "0123456789") != "" {
			return NotificationChange{}, &toolkit.ArgError{Arg: "thread_id", Problem: fmt.Sprintf("got %s; it is a number in a string", toolkit.QuoteShort(in.ThreadID)), Example: `"1234567"`}
		}
		if d.Repos.Restricted() {
			n, _, err := d.GitHub.Activity.GetThread(ctx, in.ThreadID)
			if err != nil {
				return NotificationChange{}, toolkit.Op(what, err)
			}
			owner, repo, _ := strings.Cut(n.GetRepository().GetFullName(), "/")
			if err := d.Repos.Check(owner, repo); err != nil {
				return NotificationChange{}, toolkit.Op(what, err)
			}
		}
		if _, err := d.GitHub.Activity.MarkThreadRead(ctx, in.ThreadID); err != nil {
			return NotificationChange{}, toolkit.Op(what, err)
		}
		return NotificationChange{Status: "read"}, nil
	})
}

// MarkAllArgs are the arguments of mark_all_notifications_read.
type MarkAllArgs struct {
	NotificationRepoArgs
	LastReadAt string `json:"last_read_at,omitempty" jsonschema:"Only those updated before this time (RFC 3339); default now"`
}

// markAllNotificationsRead calls PUT /notifications or PUT
// /repos/{owner}/{repo}/notifications. GitHub answers 202 when it marks
// them in the background.
// https://docs.github.com/rest/activity/notifications#mark-notifications-as-read
// https://docs.github.com/rest/activity/notifications#mark-repository-notifications-as-read
func markAllNotificationsRead() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "mark_all_notifications_read",
		Toolset: ToolsetNotifications,
		Kind:    toolkit.Destructive,
		Desc:    "Mark all your notifications, or one repository's, as read.",
	}, func(ctx context.Context, d toolkit.Deps, in MarkAllArgs) (NotificationChange, error) {
		what := "mark all notifications read"
		if in.Owner != "" {
			what = fmt.Sprintf("mark notifications of %s/%s read", in.Owner, in.Repo)
		}
		if err := in.check(); err != nil {
			return NotificationChange{}, err
		}
		if in.Repo == "" && d.Repos.Restricted() {
			return NotificationChange{}, toolkit.Op(what, fmt.Errorf("this would touch repositories outside --repos %s; give owner and repo of one of them", d.Repos))
		}
		at := time.Now()
		if in.LastReadAt != "" {
			var err error
			if at, err = parseTimeArg("last_read_at", in.LastReadAt); err != nil {
				return NotificationChange{}, err
			}
		}
		var resp *gh.Response
		var err error
		if in.Repo != "" {
			resp, err = d.GitHub.Activity.MarkRepositoryNotificationsRead(ctx, in.Owner, in.Repo, gh.Timestamp{Time: at})
		} else {
			resp, err = d.GitHub.Activity.MarkNotificationsRead(ctx, gh.Timestamp{Time: at})
		}
		var accepted *gh.AcceptedError // go-github's name for a 202
		if err != nil && !errors.As(err, &accepted) {
			return NotificationChange{}, toolkit.Op(what, err)
		}
		if accepted != nil || resp.StatusCode == http.StatusAccepted {
			return NotificationChange{Status: "accepted", Note: "GitHub marks them in the background; list_notifications may show some as unread for a while"}, nil
		}
		return NotificationChange{Status: "read"}, nil
	})
}
