#!/usr/bin/env bash
# static-check.sh: builds ghmcp as the container image needs it (static,
# CGO_ENABLED=0, version stamped) and proves that the binary serves with an
# empty environment from an empty directory: env -i, cd to a new temporary
# directory, pipe initialize + tools/list on stdio, check both answers and
# that nothing was written there. Needs only go and coreutils.
#
#   scripts/static-check.sh                 # build into a temporary dir
#   OUT=dist scripts/static-check.sh        # leave dist/ghmcp and the CA
#                                           # bundle for `docker build`
#   VERSION=1.2.3 scripts/static-check.sh   # the version to stamp
#   REQUIRE_VERSION=1 ...                   # also fail unless --version and
#                                           # serverInfo show VERSION
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${VERSION:-0.0.0-static-check}"
fail() { echo "static-check: FAIL: $*" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="${OUT:-$work/dist}"
mkdir -p "$out"

echo "== static build (CGO_ENABLED=0, -X main.version=$VERSION)"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o "$out/ghmcp" .
if command -v file >/dev/null 2>&1; then
  kind=$(file "$out/ghmcp") # not "| grep -q": its early exit is a SIGPIPE under pipefail
  case "$kind" in *'statically linked'*) ;; *) fail "$out/ghmcp is not statically linked: $kind" ;; esac
fi
# A dynamic binary names its interpreter; a static one has none.
if grep -q 'ld-linux' "$out/ghmcp"; then fail "$out/ghmcp asks for a dynamic loader"; fi
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$out/"
elif [ -n "${OUT:-}" ]; then
  fail "no CA bundle at /etc/ssl/certs/ca-certificates.crt for the image (apt-get install ca-certificates)"
fi

echo "== --version"
got=$(env -i "$out/ghmcp" --version)
echo "$got"
if [ "$got" != "ghmcp $VERSION" ]; then
  [ -n "${REQUIRE_VERSION:-}" ] && fail "--version printed \"$got\", want \"ghmcp $VERSION\" (is main.version a string variable?)"
  echo "static-check: note: the version is not stamped yet (main.version is not a string variable)"
fi

echo "== serving with an empty environment from an empty directory"
empty="$work/empty"
mkdir "$empty"
answers="$work/answers.jsonl"
(
  cd "$empty"
  printf '%s\n' \
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"static-check","version":"0"}}}' \
    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' |
    env -i timeout 60 "$out/ghmcp" >"$answers" 2>"$work/stderr"
) || { rc=$?; cat "$work/stderr" >&2; fail "ghmcp exited with $rc at the end of its input"; }

init=$(grep -F '"id":1,' "$answers" || true)
list=$(grep -F '"id":2,' "$answers" || true)
[ -n "$init" ] || { cat "$answers" "$work/stderr" >&2; fail "no answer to initialize"; }
[ -n "$list" ] || { cat "$answers" "$work/stderr" >&2; fail "no answer to tools/list"; }
case "$init" in *'"serverInfo":{"name":"ghmcp"'*) ;; *) fail "initialize answered without ghmcp's serverInfo: $init" ;; esac
if [ -n "${REQUIRE_VERSION:-}" ]; then
  case "$init" in *"\"version\":\"$VERSION\""*) ;; *) fail "serverInfo lacks version $VERSION: $init" ;; esac
fi
case "$list" in *'"tools":[{'*) ;; *) fail "tools/list answered without tools: ${list:0:300}" ;; esac
grep -qF '"error":{' <<<"$init$list" && fail "an answer is an error: $init $list"
tools=$(grep -o '"inputSchema"' <<<"$list" | wc -l)
leftovers=$(ls -A "$empty")
[ -z "$leftovers" ] || fail "ghmcp wrote into its working directory: $leftovers"

echo "static-check: ok: static binary ($(du -h "$out/ghmcp" | cut -f1)), initialize and tools/list answered ($tools tools) with env -i from an empty directory"
