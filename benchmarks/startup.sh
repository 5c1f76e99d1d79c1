#!/usr/bin/env bash
# Start-up benchmark of the published binary: whole-process wall time of `imagegate --version` and of
# `imagegate verify-bundle` on a real public-good Sigstore bundle (offline, with its trusted root and with
# the embedded one), plus the binary's size. Uses hyperfine (Debian package, installed when missing).
#
#   bash benchmarks/startup.sh [BINARY] [RUNS]
#
# BINARY defaults to artifacts/imagegate/imagegate (published by scripts/publish.sh when absent);
# RUNS defaults to 30, after 5 warm-up runs. Prints a table: median, min and max in ms, CPU time
# (user + system) per run, and the load average, since other work on the machine inflates wall time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/artifacts/imagegate/imagegate}
runs=${2:-30}

if ! command -v hyperfine >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends hyperfine >/dev/null
fi
if [ ! -x "$bin" ]; then
  bash "$root/scripts/publish.sh"
fi

vectors="$root/tests/fixtures/sigstore/vectors"
bundle="$vectors/oci-attestation.sigstore.json"
trusted="$vectors/trusted_root_pgi.json"
digest="sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4"
verify="$bin verify-bundle --bundle $bundle --certificate-identity cody@soyland.com --certificate-oidc-issuer https://github.com/login/oauth"

# The bundle must verify, or the timing means nothing.
$verify --trusted-root "$trusted" "$digest" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
hyperfine -N --warmup 5 --runs "$runs" --style none --export-json "$work/result.json" \
  -n "imagegate --version" "$bin --version" \
  -n "verify-bundle (given trusted root)" "$verify --trusted-root $trusted $digest" \
  -n "verify-bundle (embedded trusted root)" "$verify $digest" >/dev/null
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# hyperfine's JSON lists, per command: "command", then "mean", "stddev", "median", "user", "system", "min", "max".
echo
echo "binary: $bin"
echo "size:   $(du -k "$bin" | cut -f1) KiB (whole folder: $(du -sk "$(dirname "$bin")" | cut -f1) KiB)"
echo "runs:   $runs after 5 warm-up runs; load average before: $load_before, after: $load_after"
echo
awk '
  /"command":/ { sub(/.*"command": "/, ""); sub(/",$/, ""); name = $0 }
  /"median":/  { gsub(/[ ,]/, ""); split($0, a, ":"); median = a[2] * 1000 }
  /"user":/    { gsub(/[ ,]/, ""); split($0, a, ":"); user = a[2] * 1000 }
  /"system":/  { gsub(/[ ,]/, ""); split($0, a, ":"); sys = a[2] * 1000 }
  /"min":/     { gsub(/[ ,]/, ""); split($0, a, ":"); min = a[2] * 1000 }
  /"max":/     { gsub(/[ ,]/, ""); split($0, a, ":"); max = a[2] * 1000;
                 rows[++n] = sprintf("| %-38s | %8.1f | %7.1f | %7.1f | %13.1f |", name, median, min, max, user + sys) }
  END {
    printf "| %-38s | %8s | %7s | %7s | %13s |\n", "command", "median", "min", "max", "CPU user+sys"
    printf "|%s|%s|%s|%s|%s|\n", "----------------------------------------", "----------", "---------", "---------", "---------------"
    for (i = 1; i <= n; i++) print rows[i]
    print "(milliseconds)"
  }' "$work/result.json"
