package fakegithub

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The viewer's notifications: threads added with AddNotification, read or
// unread, listed newest first.

const notificationsDoc = "https://docs.github.com/rest/activity/notifications"

// firstThreadID makes thread ids look like GitHub's.
const firstThreadID = 9000001

// Notification describes a thread added with AddNotification.
type Notification struct {
	Repo   string // OWNER/NAME of an existing repository
	Type   string // Issue, PullRequest, Release, ...
	Number int    // issue or pull request number; 0 for others
	Reason string // mention, review_requested, subscribed, ...
	Title  string
}

// notificationState is a thread and whether it was read.
type notificationState struct {
	Notification
	id      int
	unread  bool
	updated time.Time
	read    time.Time
}

// participating are the reasons GitHub counts as taking part.
var participating = []string{"assign", "author", "comment", "manual", "mention", "review_requested", "team_mention", "state_change"}

// AddNotification adds an unread thread for the viewer, updated now, and
// returns its id. It panics if the repository does not exist.
func (s *Server) AddNotification(n Notification) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner, name, _ := strings.Cut(n.Repo, "/")
	s.mustRepo("AddNotification", owner, name)
	st := &notificationState{Notification: n, id: firstThreadID + len(s.extra.notifications), unread: true, updated: s.now()}
	s.extra.notifications = append(s.extra.notifications, st)
	return st.id
}

// notificationJSON is GitHub's "thread".
type notificationJSON struct {
	ID         string          `json:"id"`
	Repository minimalRepoJSON `json:"repository"`
	Subject    struct {
		Title            string  `json:"title"`
		URL              *string `json:"url"`
		LatestCommentURL *string `json:"latest_comment_url"`
		Type             string  `json:"type"`
	} `json:"subject"`
	Reason          string  `json:"reason"`
	Unread          bool    `json:"unread"`
	UpdatedAt       string  `json:"updated_at"`
	LastReadAt      *string `json:"last_read_at"`
	URL             string  `json:"url"`
	SubscriptionURL string  `json:"subscription_url"`
}

// notificationJSON renders a thread. The caller holds s.mu.
func (s *Server) notificationJSON(n *notificationState) notificationJSON {
	owner, name, _ := strings.Cut(n.Repo, "/")
	repo := s.repos[repoKey(owner, name)]
	api, _ := repoURLs(repo)
	u := fmt.Sprintf("%s/notifications/threads/%d", apiURL, n.id)
	j := notificationJSON{ID: strconv.Itoa(n.id), Repository: s.minimalRepoJSON(repo), Reason: n.Reason, Unread: n.unread,
		UpdatedAt: timestamp(n.updated), URL: u, SubscriptionURL: u + "/subscription"}
	j.Subject.Title, j.Subject.Type = n.Title, n.Type
	switch n.Type {
	case "Issue":
		j.Subject.URL = ptr(fmt.Sprintf("%s/issues/%d", api, n.Number))
	case "PullRequest":
		j.Subject.URL = ptr(fmt.Sprintf("%s/pulls/%d", api, n.Number))
	}
	j.Subject.LatestCommentURL = j.Subject.URL
	if !n.read.IsZero() {
		j.LastReadAt = ptr(timestamp(n.read))
	}
	return j
}

// listNotifications serves GET /notifications and GET
// /repos/{owner}/{repo}/notifications: unread threads unless all=true,
// participating=true keeps those the viewer takes part in, since keeps
// those updated since then.
// https://docs.github.com/rest/activity/notifications#list-notifications-for-the-authenticated-user
func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) {
	const doc = notificationsDoc + "#list-notifications-for-the-authenticated-user"
	only, ok := s.notificationRepo(w, r, doc)
	if !ok {
		return
	}
	q := r.URL.Query()
	since, ok := parseSince(q.Get("since"))
	if !ok {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"since\" is not a timestamp.", doc)
		return
	}
	var threads []*notificationState
	for _, n := range s.extra.notifications {
		switch {
		case only != "" && !strings.EqualFold(n.Repo, only),
			q.Get("all") != "true" && !n.unread,
			q.Get("participating") == "true" && !slices.Contains(participating, n.Reason),
			n.updated.Before(since):
			continue
		}
		threads = append(threads, n)
	}
	slices.SortStableFunc(threads, func(a, b *notificationState) int { return b.updated.Compare(a.updated) })
	out := []notificationJSON{}
	for _, n := range paginate(w, r, apiURL+r.URL.Path, threads) {
		out = append(out, s.notificationJSON(n))
	}
	writeJSON(w, http.StatusOK, out)
}

// notificationRepo is the OWNER/NAME a repository's notification
// endpoint names, "" for the user's endpoints; a missing repository is
// answered 404 and ok false.
func (s *Server) notificationRepo(w http.ResponseWriter, r *http.Request, doc string) (string, bool) {
	if r.PathValue("owner") == "" {
		return "", true
	}
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return "", false
	}
	return repo.Owner + "/" + repo.Name, true
}

// thread finds the thread a request names.
func (s *Server) thread(r *http.Request) *notificationState {
	id, _ := strconv.Atoi(r.PathValue("id"))
	for _, n := range s.extra.notifications {
		if n.id == id {
			return n
		}
	}
	return nil
}

// getThread serves GET /notifications/threads/{thread_id}.
// https://docs.github.com/rest/activity/notifications#get-a-thread
func (s *Server) getThread(w http.ResponseWriter, r *http.Request) {
	n := s.thread(r)
	if n == nil {
		writeError(w, http.StatusNotFound, "Not Found", notificationsDoc+"#get-a-thread")
		return
	}
	writeJSON(w, http.StatusOK, s.notificationJSON(n))
}

// markThreadRead serves PATCH /notifications/threads/{thread_id}: 205.
// https://docs.github.com/rest/activity/notifications#mark-a-thread-as-read
func (s *Server) markThreadRead(w http.ResponseWriter, r *http.Request) {
	n := s.thread(r)
	if n == nil {
		writeError(w, http.StatusNotFound, "Not Found", notificationsDoc+"#mark-a-thread-as-read")
		return
	}
	n.unread, n.read = false, s.now()
	w.WriteHeader(http.StatusResetContent)
}

// markAllRead serves PUT /notifications and PUT
// /repos/{owner}/{repo}/notifications: threads updated at or before
// last_read_at (default now) become read; 205.
// https://docs.github.com/rest/activity/notifications#mark-notifications-as-read
func (s *Server) markAllRead(w http.ResponseWriter, r *http.Request) {
	const doc = notificationsDoc + "#mark-notifications-as-read"
	only, ok := s.notificationRepo(w, r, doc)
	if !ok {
		return
	}
	var req struct {
		LastReadAt string `json:"last_read_at"`
	}
	if r.ContentLength != 0 && !decodeJSONBody(w, r, doc, &req) {
		return
	}
	upTo := s.now()
	if req.LastReadAt != "" {
		t, err := time.Parse(time.RFC3339, req.LastReadAt)
		if err != nil {
			writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"last_read_at\" is not a timestamp.", doc)
			return
		}
		upTo = t
	}
	for _, n := range s.extra.notifications {
		if (only == "" || strings.EqualFold(n.Repo, only)) && n.unread && !n.updated.After(upTo) {
			n.unread, n.read = false, s.now()
		}
	}
	w.WriteHeader(http.StatusResetContent)
}

// cmdNotification runs "notification add OWNER/NAME TYPE NUMBER REASON TITLE"
// and prints the thread id.
func (s *Server) cmdNotification(args []string) (string, error) {
	if len(args) != 6 || args[0] != "add" {
		return "", usageB("notification")
	}
	owner, repo, err := s.cmdRepoArgB("notification", args[1])
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(args[3])
	if err != nil || n < 0 {
		return "", fmt.Errorf("NUMBER must be 0 or an issue number, got %q\n%s", args[3], usageB("notification"))
	}
	id := s.AddNotification(Notification{Repo: owner + "/" + repo, Type: args[2], Number: n, Reason: args[4], Title: args[5]})
	return strconv.Itoa(id) + "\n", nil
}

// cmdNotifications runs "notifications": "ID unread|read REPO TITLE".
func (s *Server) cmdNotifications(args []string) (string, error) {
	if len(args) != 0 {
		return "", usageB("notifications")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, n := range s.extra.notifications {
		state := "read"
		if n.unread {
			state = "unread"
		}
		fmt.Fprintf(&b, "%d %s %s %s\n", n.id, state, n.Repo, n.Title)
	}
	return b.String(), nil
}
