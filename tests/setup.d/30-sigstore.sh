#!/usr/bin/env bash
# Installs the sigstore-js packages (exact versions from package-lock.json) that generate the Sigstore
# fixtures at test time. Idempotent: does nothing when node_modules already matches the lock file.
set -euo pipefail
dir=$(cd "$(dirname "$0")/../fixtures/sigstore" && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "30-sigstore: node and npm are required (node 20 or later)" >&2
  exit 1
fi
stamp="$dir/node_modules/.package-lock.json"
if [ -f "$stamp" ] && [ -d "$dir/node_modules/@sigstore/mock" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
  echo "30-sigstore: sigstore-js fixtures dependencies already installed"
  exit 0
fi
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
