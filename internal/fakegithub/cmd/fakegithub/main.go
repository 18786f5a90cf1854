// Command fakegithub serves the fake GitHub of internal/fakegithub on
// 127.0.0.1 for clients outside go test, such as the TypeScript interop
// client in interop/. It prints the base URL as its first line of output,
// then reads fake commands from stdin, one per line, words separated by
// spaces (see fakegithub.Server.Command), printing their output and then a
// line "--" once the command has taken effect, and exits when stdin closes.
//
//	go run ./internal/fakegithub/cmd/fakegithub -token TOKEN -demo
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
)

func main() {
	token := flag.String("token", "", "the token the fake accepts (empty: any)")
	demo := flag.Bool("demo", false, "start with the demo data set (fakegithub.Server.AddDemo)")
	flag.Parse()

	gh := fakegithub.New(*token)
	if *demo {
		gh.AddDemo()
	}
	// This test helper's stdout is its interface to the interop client:
	// its URL, then each command's answer ended by "--".
	stdout := os.Stdout
	fmt.Fprintln(stdout, gh.Start())
	defer gh.Close()

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		args := strings.Fields(in.Text())
		if len(args) == 0 {
			fmt.Fprintln(stdout, "--")
			continue
		}
		out, err := gh.Command(args)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fakegithub:", err)
		}
		fmt.Fprint(stdout, out)
		fmt.Fprintln(stdout, "--")
	}
}
