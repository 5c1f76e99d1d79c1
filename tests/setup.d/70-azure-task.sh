#!/usr/bin/env bash
# Installs the Azure DevOps task's npm dependencies (azure-pipelines-task-lib, and for its tests and
# packaging ajv and tfx-cli; exact versions from task/package-lock.json). Idempotent: does nothing
# when node_modules already matches the lock file.
set -euo pipefail
dir=$(cd "$(dirname "$0")/../../task" && pwd)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "70-azure-task: node and npm are required (node 20 or later)" >&2
  exit 1
fi
stamp="$dir/node_modules/.package-lock.json"
if [ -f "$stamp" ] && [ -d "$dir/node_modules/azure-pipelines-task-lib" ] && [ -d "$dir/node_modules/tfx-cli" ] \
   && [ "$stamp" -nt "$dir/package-lock.json" ]; then
  echo "70-azure-task: Azure DevOps task dependencies already installed"
  exit 0
fi
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
