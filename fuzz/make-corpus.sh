#!/usr/bin/env bash
# Builds the seed corpus of every fuzz target from the repository's fixtures (and from the shared public
# test vectors when they sit beside the repository). Usage: fuzz/make-corpus.sh [OUTPUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-$here/corpus}
shared="$root/../shared/vectors"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

targets="yaml policy cel-parse cel-eval sigstore-bundle dsse in-toto simple-signing jws cose x509 rfc3161 oci-manifest notary-manifest docker-config www-authenticate image-reference"
rm -rf "$out"
for t in $targets; do mkdir -p "$out/$t"; done

# seed TARGET FILE...: copies files of at most 64 KiB (AFL works best on small seeds) under a unique name.
seed() {
  local target=$1; shift
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$(stat -c %s "$f")" -le 65536 ] || continue
    cp "$f" "$out/$target/$(printf '%s' "$f" | sha1sum | cut -c1-10)-$(basename "$f")"
  done
}
# text TARGET NAME CONTENT: writes a handwritten seed.
text() { printf '%s' "$3" > "$out/$1/$2"; }

# Manifests and policies: the examples and fixtures.
mapfile -t yamls < <(find "$root/examples" "$root/tests/fixtures/policies" -name '*.yaml' -o -name '*.yml' -o -name '*.json' | grep -v node_modules | sort)
seed yaml "${yamls[@]}"
mapfile -t policies < <(grep -l -E 'kind: *(Namespaced)?ImageValidatingPolicy|kind: *PolicyException' "${yamls[@]}" || true)
seed policy "${policies[@]}"

# CEL: every expression of the example policies, one per seed; for evaluation, followed by a pod as JSON.
pod='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"ghcr.io/acme/app:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000001"}]}}'
n=0
grep -h -E '^\s*-?\s*(expression|condition|messageExpression):' "${policies[@]}" 2>/dev/null \
  | sed -E 's/^\s*-?\s*(expression|condition|messageExpression):\s*//; s/^"(.*)"$/\1/; s/^'"'"'(.*)'"'"'$/\1/' \
  | grep -v '^[|>]' | sort -u | while IFS= read -r expression; do
    n=$((n + 1))
    printf '%s' "$expression" > "$out/cel-parse/policy-$n"
  done
text cel-parse literals "[1, 2u, 3.0, 'a', b'b', true, null, {'k': [1]}, duration('1s'), timestamp('2024-01-01T00:00:00Z')]"
text cel-parse macros "[1,2,3].all(x, x > 0) && [1].exists_one(y, y == 1) && {'a': 1}.map(k, k).filter(k, k != '') == ['a']"
text cel-parse strings "'a,b'.split(',').join('-').replace('-', '+').matches('^a') ? '%s %d'.format(['x', 1]) : 'y'.upperAscii()"
text cel-parse optional "optional.of(1).orValue(2) + [?optional.none(), 1][0]"
i=0
for f in "$out"/cel-parse/*; do
  i=$((i + 1))
  { head -c 2000 "$f"; printf '\n%s' "$pod"; } > "$out/cel-eval/with-pod-$i"
done
text cel-eval object-images "object.spec.containers.map(c, c.image).all(i, i.startsWith('ghcr.io/'))
$pod"
text cel-eval quantity "quantity('1Gi').isGreaterThan(quantity('512Mi')) && semver('1.2.3').major() == 1 && ip('10.0.0.1').family() == 4 && url('https://x/y').getHost() == 'x'
{}"

# Sigstore: the public bundle vector, its DSSE envelope and in-toto statement, and simple-signing payloads.
bundles=("$root/tests/fixtures/sigstore/vectors/oci-attestation.sigstore.json")
[ -d "$shared/sigstore" ] && mapfile -t -O 1 bundles < <(find "$shared/sigstore" -name '*.sigstore.json' -o -name '*bundle*.json' | sort)
seed sigstore-bundle "${bundles[@]}"
if command -v node >/dev/null; then
  node - "$root/tests/fixtures/sigstore/vectors/oci-attestation.sigstore.json" "$out" <<'JS'
const fs = require('fs');
const [file, out] = process.argv.slice(2);
const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
// The Fulcio leaf: identity extensions and an embedded SCT list for the x509 target.
const material = bundle.verificationMaterial || {};
const leaf = (material.certificate && material.certificate.rawBytes)
  || (material.x509CertificateChain && material.x509CertificateChain.certificates[0].rawBytes);
if (leaf) fs.writeFileSync(`${out}/x509/fulcio-leaf.der`, Buffer.from(leaf, 'base64'));
if (bundle.dsseEnvelope) {
  fs.writeFileSync(`${out}/dsse/bundle-envelope.json`, JSON.stringify(bundle.dsseEnvelope));
  fs.writeFileSync(`${out}/in-toto/bundle-statement.json`, Buffer.from(bundle.dsseEnvelope.payload, 'base64'));
}
JS
fi
text dsse minimal '{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AAAA"}]}'
text in-toto minimal '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"0000000000000000000000000000000000000000000000000000000000000001"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}'
text simple-signing cosign '{"critical":{"identity":{"docker-reference":"ghcr.io/acme/app"},"image":{"docker-manifest-digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001"},"type":"cosign container image signature"},"optional":{"creator":"ci","sha":"abc"}}'

# Notary: generated PKI (openssl) for JWS envelopes, certificates and timestamp tokens; shared vectors when present.
if command -v openssl >/dev/null && bash "$root/tests/fixtures/notation/make-fixtures.sh" "$work/notation" 1 >/dev/null 2>&1; then
  mapfile -t jws < <(find "$work/notation" -name '*.jws' | sort)
  seed jws "${jws[@]}"
  # rfc3161 inputs are a 2-byte length, the stamped signature, then the token: a timestamped JWS gives all three.
  if command -v node >/dev/null; then
    node - "$out/rfc3161" $(find "$work/notation" -name '*.jws' | sort) <<'JS'
const fs = require('fs');
const path = require('path');
const [out, ...files] = process.argv.slice(2);
for (const file of files) {
  const envelope = JSON.parse(fs.readFileSync(file, 'utf8'));
  const stamp = envelope.header && envelope.header['io.cncf.notary.timestampSignature'];
  if (!stamp) continue;
  const signature = Buffer.from(envelope.signature, 'base64url');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(signature.length);
  fs.writeFileSync(path.join(out, path.basename(file) + '.in'), Buffer.concat([length, signature, Buffer.from(stamp, 'base64')]));
}
JS
  fi
  for file in $(find "$work/notation" -name '*.tst' | sort); do
    { printf '\x00\x00'; cat "$file"; } > "$out/rfc3161/$(basename "$file").in"
  done
  for crt in $(find "$work/notation" -name '*.crt' | sort | head -12); do
    openssl x509 -in "$crt" -outform der -out "$out/x509/$(basename "$crt" .crt).der" 2>/dev/null || true
  done
  mapfile -t manifests < <(find "$work/notation" -name '*.json' | sort)
  seed notary-manifest "${manifests[@]}"
  seed oci-manifest "${manifests[@]}"
fi
if [ -d "$shared/notation" ]; then
  mapfile -t cose < <(find "$shared/notation" -name '*.cose' | sort)
  seed cose "${cose[@]}"
  mapfile -t sigmanifests < <(find "$shared/notation" -name '*.sigmanifest.json' -o -name 'manifest.json' | sort)
  seed notary-manifest "${sigmanifests[@]}"
  seed oci-manifest "${sigmanifests[@]}"
  for file in $(find "$shared/notation" -name '*.tst' | sort); do
    { printf '\x00\x00'; cat "$file"; } > "$out/rfc3161/shared-$(basename "$file").in"
  done
fi
# A COSE_Sign1 skeleton (tag 18, empty protected map, empty unprotected map, null payload, empty signature).
printf '\xd2\x84\x41\xa0\xa0\xf6\x40' > "$out/cose/skeleton"

# OCI content: manifest, index and referrers index shapes.
text oci-manifest image '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001","size":10,"annotations":{"dev.cosignproject.cosign/signature":"AAAA"}}],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000002","size":1}}'
text oci-manifest index '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001","size":1,"platform":{"os":"linux","architecture":"arm64","variant":"v8"},"artifactType":"application/vnd.cncf.notary.signature"}]}'
text oci-manifest docker '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001","size":1},"layers":[]}'

# Credentials and challenges.
text docker-config auths '{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"},"https://index.docker.io/v1/":{"username":"u","password":"p"},"127.0.0.1:5000":{"identitytoken":"t"}},"credHelpers":{"registry.example":"none"},"credsStore":""}'
text docker-config secret '{"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"eyJhdXRocyI6e319"}}'
text www-authenticate bearer 'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"'
text www-authenticate basic 'Basic realm="registry"'
text www-authenticate escaped 'Bearer realm="https://a/t",error="insufficient_scope",error_description="a \"quoted\" word, and more"'
text image-reference full 'registry.example:5000/a/b/c:tag@sha256:0000000000000000000000000000000000000000000000000000000000000001'
text image-reference short 'nginx'
text image-reference ipv6 '[::1]:5000/app:1'

for t in $targets; do
  printf '%-18s %s seeds\n' "$t" "$(find "$out/$t" -type f | wc -l)"
done
