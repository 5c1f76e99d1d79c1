#!/usr/bin/env bash
# Checks the distributable forms of imagegate against the plain build of the CLI:
#  1. the published native binary (scripts/publish.sh) prints the same output and exits with the same
#     code as the build, on the examples (images, apply in several formats, validate, test, cel eval) and
#     on verify-bundle with a real public-good Sigstore bundle (verifying and failing) - ahead-of-time
#     compilation and trimming must change nothing;
#  2. the .NET tool package (dotnet pack) installs with `dotnet tool install` from artifacts/nupkg alone
#     and runs `imagegate --version`.
# Usage: bash scripts/check-packaging.sh [BINARY]   (BINARY defaults to artifacts/imagegate/imagegate,
# published first when absent). Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=${1:-$root/artifacts/imagegate/imagegate}
if [ ! -x "$bin" ]; then
  bash scripts/publish.sh || { echo "publish failed"; echo "0 passed, 1 failed"; exit 1; }
fi
dotnet build src/ImageGate.Cli -c Release -nologo -v q >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
dll="$root/src/ImageGate.Cli/bin/Release/net10.0/imagegate.dll"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/ImageGate.Cli/ImageGate.Cli.csproj | head -n 1)

passed=0
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# same NAME ARGS...: runs the build and the binary with ARGS in the repository root and compares
# standard output, standard error and the exit code.
same() {
  local name=$1
  shift
  dotnet "$dll" "$@" >"$work/build.out" 2>"$work/build.err"
  local want=$?
  "$bin" "$@" >"$work/bin.out" 2>"$work/bin.err"
  local got=$?
  if [ "$want" -eq "$got" ] && cmp -s "$work/build.out" "$work/bin.out" && cmp -s "$work/build.err" "$work/bin.err"; then
    echo "ok: $name (exit $got, $(wc -l <"$work/bin.out") lines)"
    passed=$((passed + 1))
  else
    echo "FAILED: $name: the published binary differs from the build (exit $want vs $got)"
    diff "$work/build.out" "$work/bin.out" | head -n 20
    diff "$work/build.err" "$work/bin.err" | head -n 20
    failed=$((failed + 1))
  fi
}

examples=(examples/manifests examples/rendered)
quickstart=(apply examples/policies/quickstart -r examples/manifests -r examples/rendered --chart-root examples/charts --no-resolve-digests)
vectors=tests/fixtures/sigstore/vectors
verify=(verify-bundle --bundle "$vectors/oci-attestation.sigstore.json" --certificate-oidc-issuer https://github.com/login/oauth)
digest=sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4

same "--version" --version
same "--help" --help
same "images" images "${examples[@]}" --chart-root examples/charts
same "images -o json" images "${examples[@]}" -o json
same "apply (table)" "${quickstart[@]}"
same "apply -o json" "${quickstart[@]}" -o json
same "apply -o sarif" "${quickstart[@]}" -o sarif
same "apply -o junit" "${quickstart[@]}" -o junit
same "apply -o markdown" "${quickstart[@]}" -o markdown
same "apply -o policy-report" "${quickstart[@]}" -o policy-report
same "apply -o github" "${quickstart[@]}" -o github
same "apply seed-era policies" apply examples/policies/seed-era -r examples/manifests --no-resolve-digests -o json
same "apply current policies" apply examples/policies/current -r examples/manifests --no-resolve-digests -o json
same "validate" validate examples/policies/quickstart examples/policies/current examples/policies/seed-era
same "test" test examples/kyverno-test
same "cel eval" cel eval --expr '{"a": [1, 2.5, "x", true, null, b"\x01"], "t": timestamp("2026-01-01T00:00:00Z")}'
same "verify-bundle (verifies)" "${verify[@]}" --certificate-identity cody@soyland.com --trusted-root "$vectors/trusted_root_pgi.json" "$digest"
same "verify-bundle (embedded root)" "${verify[@]}" --certificate-identity cody@soyland.com "$digest"
same "verify-bundle (wrong identity)" "${verify[@]}" --certificate-identity mallory@example.com "$digest"
same "verify-bundle (wrong digest)" "${verify[@]}" --certificate-identity cody@soyland.com "sha256:$(printf '0%.0s' {1..64})"
same "unknown command" no-such-command

# The .NET tool: pack, then install from the local package folder only (a config with no other source).
rm -rf artifacts/nupkg
if dotnet pack src/ImageGate.Cli -c Release -nologo -v q >/dev/null; then
  cat >"$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$root/artifacts/nupkg" />
  </packageSources>
</configuration>
EOF
  if dotnet tool install --tool-path "$work/tools" --configfile "$work/nuget.config" --add-source artifacts/nupkg imagegate --version "$version" >/dev/null \
    && [ "$("$work/tools/imagegate" --version)" = "imagegate $version" ]; then
    echo "ok: dotnet tool install imagegate $version runs 'imagegate --version'"
    passed=$((passed + 1))
  else
    echo "FAILED: the .NET tool did not install or run"
    failed=$((failed + 1))
  fi
else
  echo "FAILED: dotnet pack"
  failed=$((failed + 1))
fi

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
