// Package haproxytest runs a real HAProxy for tests: a load balancer on a
// free loopback port in front of backends on 127.0.0.1, with a config
// generated from Options, stopped when the test ends.
//
// Without haproxy installed the test is skipped with a message saying how
// to install it, except under CI (CI set in the environment), where it
// fails: CI installs it (scripts/e2e-deps.sh), so a missing one is a
// broken CI, not a reason to skip silently.
//
// Every response names the backend that answered in its X-Served-By
// header: "i0", "i1", ..., the index in Options.Backends.
//
// The generated config retries a request whose connection was refused on
// another backend (option redispatch), so that a killed instance costs a
// client nothing once its connection is refused; with HealthPath set,
// HAProxy also stops sending to a backend whose probe fails. A request a
// backend has received is never sent again (HAProxy retries connection
// failures only): a write in flight at an instance that dies fails for its
// client, and is not doubled by the balancer.
package haproxytest

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"
)

// Options describes the balancer.
type Options struct {
	// Backends are host:port addresses on the loopback range; required.
	Backends []string
	// Balance is HAProxy's balance algorithm (default "roundrobin").
	// "hdr(Mcp-Session-Id)" sends all requests carrying one session id to
	// one instance, but not necessarily the one that issued the id
	// (initialize carries none and goes round robin): for sessions kept in
	// one instance's memory, use StickyHeader.
	Balance string
	// StickyHeader, if set, is a response header that pins what it names
	// to the backend that sent it: a request carrying the same value in
	// that header goes to that backend while it is up (a stick table,
	// stored from responses, matched on requests). "Mcp-Session-Id" keeps
	// a Streamable HTTP session on the instance that created it; when that
	// instance is down, the request is dispatched to another.
	StickyHeader string
	// HealthPath, if set, is probed on every backend (GET, 200 expected)
	// every 100 ms; two failures take a backend out, one success brings it
	// back.
	HealthPath string
}

// Proxy is an haproxy process.
type Proxy struct {
	t    testing.TB
	port int
	cmd  *exec.Cmd
	cfg  string
	done chan struct{}
}

const config = `global
	maxconn 4096
	log stderr format raw local0 notice

defaults
	mode http
	log global
	timeout connect 2s
	timeout client 60s
	timeout server 60s
	timeout tunnel 1h
	retries 3
	option redispatch 1

frontend ghmcp
	bind 127.0.0.1:{{.Port}}
	default_backend instances

backend instances
	balance {{.Balance}}
	hash-type consistent
	http-response set-header X-Served-By %[srv_name]
{{- if .StickyHeader}}
	stick-table type string len 256 size 100k expire 1h
	stick store-response res.hdr({{.StickyHeader}})
	stick match req.hdr({{.StickyHeader}})
{{- end}}
{{- if .HealthPath}}
	option httpchk GET {{.HealthPath}}
	http-check expect status 200
{{- end}}
{{- range $i, $b := .Backends}}
	server i{{$i}} {{$b}}{{if $.HealthPath}} check inter 100ms fall 2 rise 1{{end}}
{{- end}}
`

var tmpl = template.Must(template.New("haproxy.cfg").Parse(config))

// Start starts haproxy in front of opts.Backends and waits until it
// accepts connections, or skips (fails under CI) when there is none.
func Start(t testing.TB, opts Options) *Proxy {
	t.Helper()
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("haproxy is not installed, and CI=%s: CI must install it (scripts/e2e-deps.sh: apt-get install -y haproxy)", os.Getenv("CI"))
		}
		t.Skip("haproxy is not installed; install it (apt-get install -y haproxy, or scripts/e2e-deps.sh) to run this test")
	}
	if len(opts.Backends) == 0 {
		t.Fatal("haproxytest: Options.Backends is empty")
	}
	for _, b := range opts.Backends {
		host, _, err := net.SplitHostPort(b)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			t.Fatalf("haproxytest: backend %q is not a loopback host:port", b)
		}
	}
	if opts.Balance == "" {
		opts.Balance = "roundrobin"
	}
	if strings.ContainsAny(opts.Balance+opts.HealthPath, "\n\r") || strings.ContainsAny(opts.StickyHeader, "\n\r() ,") {
		t.Fatal("haproxytest: Balance and HealthPath are one line each, StickyHeader one header name")
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	var b strings.Builder
	if err := tmpl.Execute(&b, struct {
		Options
		Port int
	}{opts, port}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-c", "-q", "-f", cfg).CombinedOutput(); err != nil {
		t.Fatalf("haproxy refused the generated config: %v\n%s\n%s", err, out, b.String())
	}

	// -db: stay in the foreground, so that killing the process stops it.
	cmd := exec.Command(bin, "-db", "-f", cfg)
	cmd.Stderr = testWriter{t}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting haproxy: %v", err)
	}
	p := &Proxy{t: t, port: port, cmd: cmd, cfg: b.String(), done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(p.Stop)

	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", p.Addr(), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return p
		}
		select {
		case <-p.done:
			t.Fatalf("haproxy exited before accepting connections; config:\n%s", p.cfg)
		default:
		}
		if time.Now().After(deadline) {
			p.Stop()
			t.Fatalf("haproxy on port %d did not accept connections within 10s", port)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Addr is the balancer's host:port.
func (p *Proxy) Addr() string { return "127.0.0.1:" + strconv.Itoa(p.port) }

// URL is the balancer's http:// URL, without a trailing slash.
func (p *Proxy) URL() string { return "http://" + p.Addr() }

// Config is the generated haproxy.cfg, for a failing test's message.
func (p *Proxy) Config() string { return p.cfg }

// Stop kills haproxy, if it runs, and waits for it to exit.
func (p *Proxy) Stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	<-p.done
}

// testWriter sends haproxy's log lines to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Logf("haproxy: %s", strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
