#!/usr/bin/env bash
# Installs the CEL conformance test data (npm @bufbuild/cel-spec, pinned in package-lock.json) used by
# tests/ImageGate.Cel.Tests. Idempotent: does nothing when the pinned version is already installed.
set -euo pipefail
dir=$(cd "$(dirname "$0")/../fixtures/cel-spec" && pwd)
want=$(node -e "console.log(require('$dir/package.json').dependencies['@bufbuild/cel-spec'])")
have=""
if [ -f "$dir/node_modules/@bufbuild/cel-spec/package.json" ]; then
  have=$(node -e "console.log(require('$dir/node_modules/@bufbuild/cel-spec/package.json').version)")
fi
if [ "$have" = "$want" ]; then
  echo "cel-spec: @bufbuild/cel-spec $have already installed"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "cel-spec: npm is required (apt-get install nodejs npm)" >&2
  exit 1
fi
(cd "$dir" && npm ci --no-audit --no-fund)
echo "cel-spec: installed @bufbuild/cel-spec $want"
