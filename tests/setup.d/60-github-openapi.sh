#!/usr/bin/env bash
# Installs GitHub's REST API OpenAPI description (npm @octokit/openapi, exact version from package-lock.json),
# which the loopback GitHub API stub uses to validate every request it receives. Idempotent: does nothing
# when node_modules already matches the lock file.
set -euo pipefail
dir=$(cd "$(dirname "$0")/../fixtures/github-openapi" && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "60-github-openapi: node and npm are required (node 18 or later)" >&2
  exit 1
fi
stamp="$dir/node_modules/.package-lock.json"
if [ -f "$stamp" ] && [ -f "$dir/node_modules/@octokit/openapi/generated/api.github.com.json" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
  echo "60-github-openapi: GitHub OpenAPI description already installed"
  exit 0
fi
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
