#!/usr/bin/env bash
# e2e-deps.sh: installs, from Debian's packages, the real programs the
# multi-instance end-to-end tests run: redis-server (the shared budget and
# webhook deliveries) and haproxy (the load balancer in front of several
# ghmcp --listen). CI runs it (.ci/run); a developer may, as root. The
# tests skip without these programs, except under CI=true, where they fail.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
redis-server --version
v=$(haproxy -v) && echo "${v%%$'\n'*}" # the first line; not "| head", whose early exit is a SIGPIPE under pipefail
