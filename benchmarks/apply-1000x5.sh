#!/usr/bin/env bash
# Whole-process benchmark of `imagegate apply`: 1,000 generated Deployments x 5 policies (10,000 policy
# evaluations with autogen). Uses hyperfine (Debian package `hyperfine`) when present, else `time`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/manifests" "$work/policies"
for i in $(seq 0 999); do
  cat > "$work/manifests/m$i.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-$i
  namespace: team-$((i % 10))
spec:
  template:
    spec:
      containers:
      - name: app
        image: ghcr.io/acme/app-$i:1.$i
      - name: sidecar
        image: docker.io/library/nginx:1.27
YAML
done
cp "$root/examples/policies/quickstart/"*.yaml "$work/policies/"
for n in 3 4 5; do
  sed "s/name: trusted-registries/name: trusted-registries-$n/" "$root/examples/policies/quickstart/trusted-registries.yaml" > "$work/policies/p$n.yaml"
done
dotnet build "$root/src/ImageGate.Cli" -c Release -nologo -v q >/dev/null
cmd="dotnet $root/src/ImageGate.Cli/bin/Release/net10.0/imagegate.dll apply $work/policies -r $work/manifests --no-resolve-digests -o json --output $work/out.json"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 10 -i "$cmd"
else
  for run in 1 2 3 4 5; do /usr/bin/time -f "%e s, %M KB max RSS" $cmd || true; done
fi
