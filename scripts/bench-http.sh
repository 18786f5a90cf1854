#!/usr/bin/env bash
# Requests a second through ghmcp's Streamable HTTP transport (stateless
# 2026-07-28 requests, no GitHub involved) with wrk (Debian: apt-get
# install wrk), at 1, 10 and 50 connections, and ghmcp's RSS meanwhile.
# Client and server share this machine's cores: the figures are a floor.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench-http: wrk is not installed (apt-get install wrk)"; exit 2; }
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
go build -o "$dir/ghmcp" .
port=$((20000 + RANDOM % 20000))
token=ghp_benchmarkTOKEN0123456789abcdefghijkl
GITHUB_PERSONAL_ACCESS_TOKEN= "$dir/ghmcp" --listen "127.0.0.1:$port" --log-level error &
pid=$!
sleep 1
for method in server/discover tools/list; do
  for c in 1 10 50; do
    out=$(METHOD=$method TOKEN=$token wrk -t "$(( c < 2 ? 1 : 2 ))" -c "$c" -d "${SECONDS_PER_RUN:-5}s" --latency -s scripts/http-bench/post.lua "http://127.0.0.1:$port/mcp")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    rss=$(awk '/VmRSS/ {print $2/1024 " MiB"}' "/proc/$pid/status")
    printf '%-16s %3d conns: %10s req/s  p50 %8s  p99 %8s  RSS %s\n' "$method" "$c" "$rps" "$p50" "$p99" "$rss"
  done
done
