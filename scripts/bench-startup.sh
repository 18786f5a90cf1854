#!/usr/bin/env bash
# Start-up time and memory of ghmcp beside a minimal mcp-go server (the
# floor), on this machine: process start to the initialize answer and to
# the tools/list answer, and RSS / peak RSS after tools/list (medians).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/ghmcp" .
go build -o "$dir/floor" ./scripts/floor
go run ./scripts/startup -n "${RUNS:-30}" ghmcp="$dir/ghmcp" floor="$dir/floor"
