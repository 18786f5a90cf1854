package fakegithub

// extraState holds what the endpoints of the second catalog round
// remember besides repositories, issues and code: sub-issue links, trees
// made through the git data API, notifications and security alerts. The
// zero value is ready; maps are made on first use. The caller holds s.mu.
type extraState struct {
	parentOf      map[int]int                  // sub-issue id -> parent issue id
	trees         map[string]map[string]string // repoKey+" "+tree sha -> path -> blob sha
	notifications []*notificationState
	alerts        map[string]*repoAlerts // by repoKey
}
