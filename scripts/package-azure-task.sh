#!/usr/bin/env bash
# Packages the Azure DevOps extension (the ImageGate task with the self-contained imagegate binary) with
# tfx-cli into artifacts/azure-task/*.vsix. Works offline once the task's npm dependencies are installed.
# Usage: bash scripts/package-azure-task.sh [--binary PATH] [--out DIR]
#   --binary PATH  use this imagegate binary instead of the linux-x64 one scripts/publish.sh makes
#   --out DIR      where to write the .vsix (default artifacts/azure-task)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=""
out="$root/artifacts/azure-task"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "package-azure-task: unknown argument $1" >&2; exit 2 ;;
  esac
done
task="$root/task"
if [ ! -x "$task/node_modules/.bin/tfx" ]; then
  echo "package-azure-task: task/node_modules is missing; run bash tests/setup.sh (or npm ci in task/)" >&2
  exit 1
fi
if [ -z "$binary" ]; then
  # The release binary, as scripts/publish.sh makes it for every distribution channel.
  bash "$root/scripts/publish.sh" linux-x64
  binary="$root/artifacts/imagegate/imagegate"
fi
[ -f "$binary" ] || { echo "package-azure-task: no imagegate binary at $binary" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dest="$stage/ImageGate"
mkdir -p "$dest/bin"
cp "$task/task.json" "$task/index.js" "$task/package.json" "$task/package-lock.json" "$dest/"
cp "$task/vss-extension.json" "$task/overview.md" "$stage/"
cp "$binary" "$dest/bin/imagegate"
chmod 755 "$dest/bin/imagegate"
# Production dependencies only: the test and packaging tools stay out of the extension.
cp -R "$task/node_modules" "$dest/node_modules"
(cd "$dest" && npm prune --omit=dev --offline --no-audit --no-fund --loglevel=error >/dev/null)
rm -f "$dest/package-lock.json"

# The extension version follows task.json, so every published task version comes with a new extension version.
version=$(node -e 'const v=require(process.argv[1]).version; console.log(`${v.Major}.${v.Minor}.${v.Patch}`)' "$task/task.json")
mkdir -p "$out"
"$task/node_modules/.bin/tfx" extension create --root "$stage" --manifest-globs vss-extension.json \
  --override "{\"version\": \"$version\"}" --output-path "$out" --no-prompt --no-color >"$stage/tfx.log" 2>&1 \
  || { cat "$stage/tfx.log" >&2; exit 1; }
vsix=$(ls -t "$out"/*.vsix | head -n 1)
kib=$(du -k "$vsix" | cut -f1)
echo "packaged: $vsix ($kib KiB)"
# The Marketplace and Azure DevOps Server refuse extensions over 25 MiB unless their limit is raised.
if [ "$kib" -gt 25600 ]; then
  echo "package-azure-task: warning: $vsix is larger than 25 MiB, the default upload limit of the Marketplace and Azure DevOps Server" >&2
fi
