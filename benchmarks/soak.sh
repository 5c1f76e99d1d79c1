#!/usr/bin/env bash
# The soak benchmark: a seeded workload (10,000 resources, 50 policies, 500 images on 3 loopback registries behind
# 20 ms latency proxies by default) evaluated by `imagegate apply` three times: A and B with the default parallelism,
# C with --parallelism 1. Prints wall time, peak RSS and registry requests per run, compares the JSON and SARIF
# reports byte for byte, and exits 0 only when they are identical and every run stays under 1 GiB.
# Options are passed on to the driver (`bash benchmarks/soak.sh --help`), e.g. --manifests 2000 --latency-ms 50,
# --binary artifacts/imagegate/imagegate to measure the published binary instead of the Release build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tests/setup.d/10-registry.sh" >/dev/null
if [ ! -x /usr/bin/time ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends time
fi
dotnet build "$root/src/ImageGate.Cli" -c Release -nologo -v q >/dev/null
dotnet build "$root/benchmarks/ImageGate.Soak" -c Release -nologo -v q >/dev/null
echo "machine: $(nproc) processors, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
exec dotnet "$root/benchmarks/ImageGate.Soak/bin/Release/net10.0/ImageGate.Soak.dll" "$@"
