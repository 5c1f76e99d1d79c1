#!/usr/bin/env bash
# Publishes the imagegate CLI as one self-contained, natively (ahead-of-time) compiled executable:
# no .NET runtime needed where it runs, and a start-up of a few milliseconds.
#
#   bash scripts/publish.sh [RID]     # RID defaults to linux-x64; build each RID on its own OS and CPU
#
# Output: artifacts/imagegate/imagegate (imagegate.exe on Windows); native debug symbols go to
# artifacts/imagegate-symbols. Native AOT needs a C toolchain: on Debian/Ubuntu clang and zlib1g-dev,
# installed here when missing (as root or through sudo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rid=${1:-linux-x64}
out="$root/artifacts/imagegate"
symbols="$root/artifacts/imagegate-symbols"

case "$rid" in
  linux-*)
    if ! command -v clang >/dev/null 2>&1 || [ ! -e /usr/include/zlib.h ]; then
      command -v apt-get >/dev/null 2>&1 || { echo "publish: native AOT needs clang and zlib headers; install them first" >&2; exit 2; }
      sudo=""
      [ "$(id -u)" -eq 0 ] || sudo="sudo"
      export DEBIAN_FRONTEND=noninteractive
      $sudo apt-get update -qq
      $sudo apt-get install -y -qq --no-install-recommends clang zlib1g-dev >/dev/null
    fi
    ;;
esac

rm -rf "$out" "$symbols"
dotnet publish "$root/src/ImageGate.Cli" -c Release -r "$rid" -p:PublishAot=true -o "$out" -nologo -v q
# Keep only the executable in the published folder; symbols aside for crash analysis.
mkdir -p "$symbols"
find "$out" -maxdepth 1 \( -name '*.pdb' -o -name '*.dbg' -o -name '*.dSYM' \) -exec mv {} "$symbols"/ \;
exe="$out/imagegate"
[ -e "$exe" ] || exe="$out/imagegate.exe"
"$exe" --version
echo "published: $exe ($(du -k "$exe" | cut -f1) KiB)"
