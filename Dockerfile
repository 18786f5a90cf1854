# ghmcp's container image, from no base image at all: the static binary,
# the build machine's CA certificates (for https to GitHub), a numeric
# non-root user. Nothing is fetched from a container registry.
#
# Build the binary and gather the files outside, then build the image:
#
#   VERSION=0.1.0
#   mkdir -p dist
#   CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$VERSION" -o dist/ghmcp .
#   cp /etc/ssl/certs/ca-certificates.crt dist/   # Debian's bundle (package ca-certificates)
#   docker build -t ghmcp:$VERSION .
#
# (scripts/static-check.sh OUT=dist does the first three steps and checks
# that the binary serves from an empty directory with an empty environment.)
#
# Run it on stdio, as a host launches it:
#   docker run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN ghmcp:$VERSION
# or as a service (Streamable HTTP at /mcp, /webhook, /healthz, /readyz,
# /metrics), behind a TLS-terminating proxy:
#   docker run --rm -p 8080:8080 ghmcp:$VERSION --listen :8080 --behind-proxy
#
# There is no shell or curl in the image: probe /healthz and /readyz from
# the orchestrator (an HTTP probe), not with a HEALTHCHECK command.
FROM scratch

COPY dist/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY dist/ghmcp /ghmcp

# 65532 is the conventional "nonroot" id; no /etc/passwd is needed for a
# numeric user. ghmcp writes no files, so nothing needs to be owned by it.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/ghmcp"]
