#!/usr/bin/env bash
# Runs ImageGate on the bundled examples, offline: builds the CLI, then evaluates the quick-start
# policies on every example manifest and on the Helm-rendered chart, and runs the bundled Kyverno test
# suite. Findings are printed with file:line; Helm findings point at the chart template.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (dotnet on PATH)"; exit 2; }
dotnet build src/ImageGate.Cli -c Release -nologo -v q >/dev/null || { echo "build failed"; exit 2; }
imagegate() { dotnet "src/ImageGate.Cli/bin/Release/net10.0/imagegate.dll" "$@"; }

echo "== imagegate images examples/ (every workload and image found)"
imagegate images examples/manifests examples/rendered --chart-root examples/charts || exit $?

echo
echo "== imagegate apply examples/policies/quickstart (offline: registry and digest policies)"
imagegate apply examples/policies/quickstart -r examples/manifests -r examples/rendered \
  --chart-root examples/charts --no-resolve-digests
status=$?
case $status in
  0) echo "(exit 0: nothing blocking)" ;;
  1) echo "(exit 1: blocking findings under Deny, as expected for these examples)" ;;
  *) echo "(exit $status: input or usage error)"; exit "$status" ;;
esac

echo
echo "== imagegate test examples/kyverno-test (a kyverno-test.yaml suite)"
imagegate test examples/kyverno-test || exit $?
