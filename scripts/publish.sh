#!/usr/bin/env bash
# Publishes the imagegate CLI as one self-contained executable: no .NET runtime needed where it runs.
# Trimmed (only the code the CLI can reach, with Octokit and ImageGate.Ci kept whole for their reflection),
# precompiled with ReadyToRun in one composite image with the runtime libraries, and bundled as a single file.
#
#   bash scripts/publish.sh [RID]     # RID defaults to linux-x64 (also linux-arm64, osx-arm64, win-x64, ...)
#
# Output: artifacts/imagegate/imagegate (imagegate.exe on Windows); symbol files go to artifacts/imagegate-symbols.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rid=${1:-linux-x64}
out="$root/artifacts/imagegate"
symbols="$root/artifacts/imagegate-symbols"

# On x64, precompile for x86-64-v3 (AVX2, 2013 and later: every hosted CI runner): the runtime's vectorised
# code is then precompiled too instead of compiled at start-up. Older CPUs still run it, compiling at run time.
extra=()
case "$rid" in
  *-x64) extra=("-p:PublishReadyToRunCrossgen2ExtraArgs=--instruction-set:x86-64-v3") ;;
esac

rm -rf "$out" "$symbols"
dotnet publish "$root/src/ImageGate.Cli" -c Release -r "$rid" --self-contained true \
  -p:PublishTrimmed=true -p:PublishReadyToRun=true -p:PublishSingleFile=true ${extra[@]+"${extra[@]}"} \
  -o "$out" -nologo -v q
# Keep only what runs in the published folder; symbols aside for crash analysis.
mkdir -p "$symbols"
find "$out" -maxdepth 1 \( -name '*.pdb' -o -name '*.dbg' \) -exec mv {} "$symbols"/ \;
exe="$out/imagegate"
[ -e "$exe" ] || exe="$out/imagegate.exe"
"$exe" --version
echo "published: $exe ($(du -sk "$out" | cut -f1) KiB in $(find "$out" -type f | wc -l) files)"
