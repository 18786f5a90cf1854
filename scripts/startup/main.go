// Command startup measures MCP stdio servers from outside: process start
// to the initialize answer, and resident memory (VmRSS, VmHWM) after
// tools/list, over several runs each; it prints the medians side by side.
//
//	go run ./scripts/startup -n 30 ghmcp=./ghmcp floor=./floor
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 30, "runs per server")
	flag.Parse()
	out := os.Stdout // the table is this command's output
	fmt.Fprintf(out, "%-10s %12s %12s %12s %12s\n", "server", "init p50", "list p50", "RSS MiB", "peak MiB")
	for _, arg := range flag.Args() {
		name, bin, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintln(os.Stderr, "arguments are name=path")
			os.Exit(2)
		}
		var inits, lists, rss, hwm []float64
		for range *n {
			i, l, r, h, err := once(bin)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
				os.Exit(1)
			}
			inits, lists, rss, hwm = append(inits, i), append(lists, l), append(rss, r), append(hwm, h)
		}
		fmt.Fprintf(out, "%-10s %10.1fms %10.1fms %12.1f %12.1f\n", name, median(inits), median(lists), median(rss), median(hwm))
	}
}

// once starts bin, times initialize and tools/list from process start,
// and reads its memory after tools/list.
func once(bin string) (initMS, listMS, rssMiB, hwmMiB float64, err error) {
	cmd := exec.Command(bin)
	cmd.Env = []string{"GITHUB_PERSONAL_ACCESS_TOKEN=ghp_benchmarkTOKEN0123456789abcdefghijkl", "HOME=" + os.TempDir()}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	start := time.Now()
	if err = cmd.Start(); err != nil {
		return
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	r := bufio.NewReaderSize(stdout, 1<<20)
	io.WriteString(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}`+"\n")
	if _, err = r.ReadBytes('\n'); err != nil {
		return
	}
	initMS = float64(time.Since(start).Microseconds()) / 1000
	io.WriteString(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n"+`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`+"\n")
	if _, err = r.ReadBytes('\n'); err != nil {
		return
	}
	listMS = float64(time.Since(start).Microseconds()) / 1000
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && (f[0] == "VmRSS:" || f[0] == "VmHWM:") {
			kb, _ := strconv.ParseFloat(f[1], 64)
			if f[0] == "VmRSS:" {
				rssMiB = kb / 1024
			} else {
				hwmMiB = kb / 1024
			}
		}
	}
	return
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
