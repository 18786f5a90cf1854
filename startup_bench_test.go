package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkStartupToInitialize measures, for the real binary built with
// go build, the time from process start to the initialize response, and
// reports the binary size and the bytes of the tools/list response.
//
//	go test -run x -bench StartupToInitialize .
func BenchmarkStartupToInitialize(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "ghmcp")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	st, err := os.Stat(bin)
	if err != nil {
		b.Fatal(err)
	}
	const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}` + "\n"
	const list = `{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" + `{"jsonrpc":"2.0","id":2,"method":"tools/list"}` + "\n"
	var listBytes int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin)
		cmd.Env = []string{"GITHUB_PERSONAL_ACCESS_TOKEN=x", "GHMCP_LOG_LEVEL=error"}
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		io.WriteString(stdin, initialize)
		r := bufio.NewReaderSize(stdout, 1<<20)
		line, err := r.ReadString('\n')
		if err != nil || !strings.Contains(line, `"id":1`) {
			b.Fatalf("initialize: %q %v", line, err)
		}
		b.StopTimer()
		io.WriteString(stdin, list)
		line, err = r.ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		listBytes = len(line)
		stdin.Close()
		cmd.Wait()
		b.StartTimer()
	}
	b.ReportMetric(float64(st.Size())/(1<<20), "binary-MiB")
	b.ReportMetric(float64(listBytes), "tools/list-bytes")
}
