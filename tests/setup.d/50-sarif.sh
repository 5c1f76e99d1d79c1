#!/usr/bin/env bash
# Installs the SARIF Multitool (exact versions from package-lock.json) that validates every SARIF file
# the tests write, GitHub's ingestion rules included. The Linux package carries a self-contained .NET 8
# executable (x64), so no .NET 8 runtime is needed. Idempotent: does nothing when the tool already runs.
set -euo pipefail
dir=$(cd "$(dirname "$0")/../fixtures/sarif" && pwd)
tool="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "50-sarif: the SARIF Multitool package ships a Linux x64 executable; this machine is $(uname -s)-$(uname -m)" >&2
  exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "50-sarif: node and npm are required (node 20 or later)" >&2
  exit 1
fi
stamp="$dir/node_modules/.package-lock.json"
if [ -x "$tool" ] && [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package-lock.json" ] \
   && DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$tool" --version >/dev/null 2>&1; then
  echo "50-sarif: SARIF Multitool already installed"
  exit 0
fi
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
chmod u+x "$tool"
# The executable needs zlib and the C++ runtime; globalization runs invariant, so ICU is not needed.
if ! DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$tool" --version >/dev/null 2>&1; then
  apt-get update
  apt-get install -y --no-install-recommends zlib1g libstdc++6
fi
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$tool" --version
