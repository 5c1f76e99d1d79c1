#!/usr/bin/env bash
# Installs and prepares everything the test suite needs on a fresh machine. Idempotent: each step
# in tests/setup.d checks what is already there before it installs anything.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for step in "$here"/setup.d/*.sh; do
  [ -e "$step" ] || continue
  echo "setup: $(basename "$step")"
  bash "$step"
done
