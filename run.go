package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/app"
	"github.com/ghmcp/ghmcp/internal/config"
	"github.com/ghmcp/ghmcp/internal/redact"
)

// version is stamped at build time (-ldflags "-X main.version=v1.2.3");
// otherwise the module version of a go install build, else devVersion.
var version string

// softMemoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT
// sets one.
const softMemoryLimit = 64 << 20

// devVersion is reported by a local build without a stamp.
const devVersion = "0.1.0-dev"

// Exit codes (package app's).
const (
	exitOK    = app.ExitOK
	exitUsage = app.ExitUsage
)

// run is the whole program; main only supplies the process's streams,
// arguments, environment and signal-bound context. It reads and checks the
// configuration once, answers --help and --version, and hands the rest to
// app.Run, which wires the pieces (see package app).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if getenv("GOMEMLIMIT") == "" {
		// A soft limit: the garbage collector works harder as the heap
		// nears it, so that one huge answer (capped at
		// --max-response-bytes) does not double the process's memory
		// before the next collection. It is not a cap: ghmcp may exceed it.
		debug.SetMemoryLimit(softMemoryLimit)
	}
	cfg, err := config.Parse(args, getenv)
	switch {
	case errors.Is(err, config.ErrHelp):
		config.Usage(stdout, buildVersion())
		return exitOK
	case errors.Is(err, config.ErrVersion):
		fmt.Fprintf(stdout, "ghmcp %s\n", buildVersion())
		return exitOK
	case err != nil:
		// The token is in no flag, but a value may quote a secret (an API
		// URL with credentials): redact what is printed.
		fmt.Fprintf(stderr, "ghmcp: %s (see ghmcp --help)\n", redact.New(tokenOf(getenv)).Error(err))
		return exitUsage
	}
	cfg.Version = buildVersion()
	return app.Run(ctx, cfg, app.Streams{Stdin: stdin, Stdout: stdout, Stderr: stderr})
}

// tokenOf is the token as the configuration reads it, for redacting
// errors printed before the configuration exists.
func tokenOf(getenv func(string) string) string {
	for _, name := range github.TokenEnvVars {
		if t := getenv(name); t != "" {
			return t
		}
	}
	return ""
}

// buildVersion is the stamped version, else the module version of a go
// install build, else devVersion.
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return devVersion
}
