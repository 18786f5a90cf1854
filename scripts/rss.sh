#!/usr/bin/env bash
# Measures the peak RSS of the built ghmcp binary under hostile answers from
# GitHub (1 GB, endless, 100,000 items, 1 GB error bodies) and the slowest
# ping meanwhile. See internal/hostilegithub/rss_test.go.
set -euo pipefail
cd "$(dirname "$0")/.."
GHMCP_RSS=1 go test ./internal/hostilegithub -run '^TestPeakRSS$' -count=1 -v "$@" | grep -E 'RSS|^(---|ok|FAIL)'
