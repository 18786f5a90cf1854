package main

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalStopsCleanly starts the binary, waits until it serves, sends
// SIGTERM (then SIGINT to a second one) and expects exit status 0 with
// nothing on stdout but protocol.
func TestSignalStopsCleanly(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command("ghmcp")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "GITHUB_PERSONAL_ACCESS_TOKEN=" + transcriptToken}
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			io.WriteString(stdin, `{"jsonrpc":"2.0","id":1,"method":"ping"}`+"\n")
			buf := make([]byte, 4096)
			n, err := stdout.Read(buf)
			if err != nil || !strings.Contains(string(buf[:n]), `"id":1`) {
				t.Fatalf("no answer to ping: %q %v", buf[:n], err)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				rest, _ := io.ReadAll(stdout)
				if len(strings.TrimSpace(string(rest))) > 0 {
					t.Errorf("stdout after the signal: %q", rest)
				}
				done <- cmd.Wait()
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("exit after %v: %v, want status 0", sig, err)
				}
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 10s after %v", sig)
			}
		})
	}
}
