#!/usr/bin/env bash
# Publishes the imagegate CLI ahead-of-time compiled (ReadyToRun) for fast start-up, into artifacts/imagegate.
# Usage: bash scripts/publish.sh [RID]   (default linux-x64)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rid=${1:-linux-x64}
dotnet publish "$root/src/ImageGate.Cli" -c Release -r "$rid" --self-contained false \
  -p:PublishReadyToRun=true -o "$root/artifacts/imagegate" -nologo -v q
echo "published: $root/artifacts/imagegate/imagegate"
