package hostilegithub_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/internal/hostilegithub"
)

// TestPeakRSS builds the ghmcp binary, points it at hostile answers and
// measures its peak resident memory (VmHWM) while a tool call reads each
// one, pinging all along. It is a measurement, not a unit test: it runs
// only with GHMCP_RSS=1 (scripts/rss.sh), on Linux, and fails when the
// peak passes GHMCP_RSS_LIMIT_MB (default 100) or a ping waits a second.
func TestPeakRSS(t *testing.T) {
	if os.Getenv("GHMCP_RSS") != "1" {
		t.Skip("set GHMCP_RSS=1 to measure (scripts/rss.sh)")
	}
	limitMB := 100
	if v := os.Getenv("GHMCP_RSS_LIMIT_MB"); v != "" {
		limitMB, _ = strconv.Atoi(v)
	}
	bin := filepath.Join(t.TempDir(), "ghmcp")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/ghmcp/ghmcp").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	issue := `{"owner":"o","repo":"r","number":1}`
	list := `{"owner":"o","repo":"r"}`
	for _, tt := range []struct {
		name, tool, args, path string
		h                      http.Handler
	}{
		{"1 GB list announced by Content-Length", "list_issues", list, "GET /repos/o/r/issues", hostilegithub.Huge(1<<30, true)},
		{"1 GB chunked list", "list_issues", list, "GET /repos/o/r/issues", hostilegithub.Huge(1<<30, false)},
		{"1 GB chunked JSON object", "get_issue", issue, "GET /repos/o/r/issues/1", hostilegithub.HugeError(200, 1<<30)},
		{"endless list", "list_issues", list, "GET /repos/o/r/issues", hostilegithub.Endless()},
		{"endless JSON string", "get_issue", issue, "GET /repos/o/r/issues/1", hostilegithub.HugeError(200, 1<<50)},
		{"100,000-item list", "list_issues", list, "GET /repos/o/r/issues", hostilegithub.ManyItems(100_000)},
		{"1,000,000-item search answer (object)", "search_issues", `{"q":"bug"}`, "GET /search/issues", hostilegithub.ManyItemsObject(1_000_000)},
		{"100,000-item search answer (object)", "search_issues", `{"q":"bug"}`, "GET /search/issues", hostilegithub.ManyItemsObject(100_000)},
		{"1 GB error body (422)", "get_issue", issue, "GET /repos/o/r/issues/1", hostilegithub.HugeError(422, 1<<30)},
		{"1 GB error body (502, retried)", "get_issue", issue, "GET /repos/o/r/issues/1", hostilegithub.HugeError(502, 1<<30)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := hostilegithub.New(nil)
			h.Handle(tt.path, tt.h)
			srv := httptest.NewServer(h)
			defer srv.Close()
			peak, slowest, answer := measure(t, bin, srv.URL, tt.tool, tt.args)
			t.Logf("RSS %-40s peak %4d MB, slowest ping %v; answer: %.160s", tt.name, peak>>10, slowest.Round(time.Millisecond), answer)
			if peak>>10 > int64(limitMB) {
				t.Errorf("peak RSS %d MB, over %d MB", peak>>10, limitMB)
			}
			if slowest > time.Second {
				t.Errorf("a ping waited %v", slowest)
			}
		})
	}
}

// measure runs one session: initialize, the tool call, and a ping every
// 50 ms until the call is answered. It returns the peak RSS in KiB, the
// slowest ping and the call's answer.
func measure(t *testing.T, bin, apiURL, tool, args string) (int64, time.Duration, string) {
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "GITHUB_PERSONAL_ACCESS_TOKEN=ghp_rssTEST0123456789abcdefghijklmnopqrs", "GITHUB_API_URL="+apiURL)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()

	var (
		mu      sync.Mutex
		sent    = map[int]time.Time{}
		slowest time.Duration
		answer  = make(chan string, 1)
	)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			var m struct {
				ID *int `json:"id"`
			}
			if json.Unmarshal(sc.Bytes(), &m) != nil || m.ID == nil {
				continue
			}
			mu.Lock()
			if at, ok := sent[*m.ID]; ok && *m.ID >= 100 {
				slowest = max(slowest, time.Since(at))
			}
			mu.Unlock()
			if *m.ID == 2 {
				answer <- sc.Text()
			}
		}
		close(answer)
	}()
	send := func(id int, line string) {
		mu.Lock()
		sent[id] = time.Now()
		mu.Unlock()
		io.WriteString(stdin, line+"\n")
	}
	send(1, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"rss","version":"1"}}}`)
	send(0, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	send(2, fmt.Sprintf(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, tool, args))
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(2 * time.Minute)
	var got string
	for id := 100; got == ""; id++ {
		select {
		case a, ok := <-answer:
			if !ok {
				t.Fatal("ghmcp closed stdout before answering")
			}
			got = a
		case <-tick.C:
			send(id, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping"}`, id))
		case <-timeout:
			t.Fatal("no answer in 2 minutes")
		}
	}
	// Pings sent and not answered count as waiting until now.
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	s := slowest
	mu.Unlock()
	return vmHWM(t, cmd.Process.Pid), s, got
}

func vmHWM(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	t.Fatal("no VmHWM")
	return 0
}
