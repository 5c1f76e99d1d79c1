#!/usr/bin/env bash
# Runs ImageGate on the bundled examples, offline: builds the CLI, lists every workload and image,
# scans the example deployments and a Helm-rendered chart with the quick-start policies — with
# registry.example.com served from the OCI image layout in examples/registry, so the Cosign and Notary
# signatures are really verified — and runs the bundled Kyverno test suite.
# Exits 0 when every expected verdict appears (passes, Deny failures, Warn failures), 1 otherwise.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (dotnet on PATH)"; exit 2; }
dotnet build src/ImageGate.Cli -c Release -nologo -v q >/dev/null || { echo "build failed"; exit 2; }
imagegate() { dotnet "src/ImageGate.Cli/bin/Release/net10.0/imagegate.dll" "$@"; }
report=$(mktemp)
trap 'rm -f "$report"' EXIT

echo "== imagegate images (every workload and image, with file:line)"
imagegate images examples/deploy examples/manifests examples/rendered --chart-root examples/charts || exit $?

# The main run, as CI runs it: `imagegate scan` with the same inputs for the table and for the JSON
# report that is checked below.
run=(scan --policies examples/policies/quickstart --manifests examples/deploy --manifests examples/rendered
  --chart-roots examples/charts --registry-mirrors registry.example.com=oci:examples/registry --offline)
echo
echo "== imagegate scan (registry.example.com served from examples/registry, no network)"
imagegate "${run[@]}" --explain
status=$?
case $status in
  1) echo "(exit 1: blocking findings under Deny, as expected for these examples)" ;;
  0) echo "(exit 0: nothing blocking, but these examples are meant to block)"; exit 1 ;;
  *) echo "(exit $status: input or usage error)"; exit "$status" ;;
esac

# Expected: 24 passes (among them images signed with Cosign, with a Sigstore bundle and with Notary),
# 5 Deny failures (an unsigned image, an image signed with another key, three untrusted registries in the
# chart) and 3 Warn failures (images of the chart not pinned by digest).
imagegate "${run[@]}" -o json --output "$report" >/dev/null
count() { grep -A9 '"summary"' "$report" | sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"; }
pass=$(count pass) fail=$(count fail) blocking=$(count blocking)
if [ "$pass" != 24 ] || [ "$blocking" != 5 ] || [ "$((fail - blocking))" != 3 ]; then
  echo "unexpected verdicts: $pass passed, $blocking Deny failures, $((fail - blocking)) Warn failures (expected 24, 5, 3)"
  exit 1
fi
echo "(as expected: $pass passed, $blocking Deny failures, $((fail - blocking)) Warn failures)"

echo
echo "== imagegate test examples/kyverno-test (a kyverno-test.yaml suite)"
imagegate test examples/kyverno-test || exit $?
