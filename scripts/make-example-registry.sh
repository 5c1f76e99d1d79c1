#!/usr/bin/env bash
# Regenerates examples/registry: an OCI image layout that stands in for registry.example.com
# (imagegate ... --registry-mirror registry.example.com=oci:examples/registry), holding a few tiny
# images and their signatures, made with openssl, tar and coreutils:
#
#   shop/storefront:1.0  Cosign-signed with the release key (legacy `sha256-<digest>.sig` tag)
#   shop/worker:1.0      not signed
#   shop/legacy:1.0      Cosign-signed with a key nobody trusts
#   shop/cart:1.0        signed with the release key as a Sigstore bundle (DSSE) attached as a referrer
#   payments/api:1.0     Notary-signed (JWS envelope referrer) by a leaf of the platform CA
#
# Private keys live in a temporary folder and are thrown away. Only the public release key
# (examples/trust/release-key.pub) and the platform CA certificate (examples/trust/platform-ca.crt)
# are kept, and they are written into the example policies that embed them.
# Images are deterministic (same bytes, same digests on every run); signatures are not (ECDSA).
# Usage: make-example-registry.sh [EXAMPLES_DIR]   (default: the repository's examples folder; the
# tests regenerate a copy to check that the script still produces a layout with the expected verdicts)
set -euo pipefail
examples=$(cd "${1:-$(dirname "$0")/../examples}" && pwd)
for tool in openssl tar sha256sum basenc xxd perl; do
  command -v "$tool" >/dev/null || { echo "make-example-registry.sh needs $tool" >&2; exit 2; }
done
host=registry.example.com
layout=$examples/registry
trust=$examples/trust
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rm -rf "$layout"
mkdir -p "$layout/blobs/sha256" "$trust"
printf '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
# Blobs are checked byte for byte against their digests: git must never convert their line endings.
printf '* -text\n' > "$layout/.gitattributes"
index_entries=()

sha() { sha256sum "$1" | cut -d' ' -f1; }
# put FILE MEDIA_TYPE: stores FILE as a blob and prints its descriptor
put() {
  local digest
  digest=$(sha "$1")
  cp "$1" "$layout/blobs/sha256/$digest"
  printf '{"mediaType":"%s","digest":"sha256:%s","size":%s}' "$2" "$digest" "$(stat -c %s "$1")"
}
field() { sed -E "s/.*\"$1\":\"?([^\",}]*).*/\1/" <<<"$2"; }
# list DESCRIPTOR [REF_NAME]: adds a manifest to index.json, tagged when REF_NAME is given
list() {
  if [ -n "${2:-}" ]; then
    index_entries+=("${1%\}},\"annotations\":{\"org.opencontainers.image.ref.name\":\"$2\"}}")
  else
    index_entries+=("$1")
  fi
}

# image REPOSITORY TAG: a one-layer linux/amd64 image whose only file names the image; sets $descriptor
image() {
  local dir=$work/$1 layer config manifest
  mkdir -p "$dir/rootfs/app"
  printf '%s:%s, an ImageGate example image\n' "$1" "$2" > "$dir/rootfs/app/README"
  tar --create --format=ustar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    --mode=a+rX,u+w,go-w --blocking-factor=1 --file "$dir/layer.tar" -C "$dir/rootfs" app
  layer=$(put "$dir/layer.tar" application/vnd.oci.image.layer.v1.tar)
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/app/README"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$(field digest "$layer")" > "$dir/config.json"
  config=$(put "$dir/config.json" application/vnd.oci.image.config.v1+json)
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":%s,"layers":[%s]}' \
    "$config" "$layer" > "$dir/manifest.json"
  manifest=$(put "$dir/manifest.json" application/vnd.oci.image.manifest.v1+json)
  list "$manifest" "$1:$2"
  descriptor=$manifest
}

# cosign_sign REPOSITORY IMAGE_DESCRIPTOR KEY: cosign's legacy signature image under the `.sig` tag
cosign_sign() {
  local dir=$work/$1 digest payload config layer manifest signature
  digest=$(field digest "$2")
  printf '{"critical":{"identity":{"docker-reference":"%s/%s"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' \
    "$host" "$1" "$digest" > "$dir/payload.json"
  signature=$(openssl dgst -sha256 -sign "$3" "$dir/payload.json" | base64 -w0)
  payload=$(put "$dir/payload.json" application/vnd.dev.cosign.simplesigning.v1+json)
  printf '{"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}' "$(field digest "$payload")" > "$dir/sig-config.json"
  config=$(put "$dir/sig-config.json" application/vnd.oci.image.config.v1+json)
  layer="${payload%\}},\"annotations\":{\"dev.cosignproject.cosign/signature\":\"$signature\"}}"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":%s,"layers":[%s]}' \
    "$config" "$layer" > "$dir/sig-manifest.json"
  manifest=$(put "$dir/sig-manifest.json" application/vnd.oci.image.manifest.v1+json)
  list "$manifest" "$1:${digest/:/-}.sig"
}

# bundle_sign REPOSITORY IMAGE_DESCRIPTOR KEY: a Sigstore bundle (v0.3, DSSE, cosign's sign predicate) signed with
# KEY and attached as an OCI referrer, as `cosign sign --new-bundle-format` does (without a transparency log entry)
bundle_sign() {
  local dir=$work/$1 statement signature bundle empty manifest type=application/vnd.in-toto+json
  local bundle_type=application/vnd.dev.sigstore.bundle.v0.3+json predicate=https://sigstore.dev/cosign/sign/v1
  printf '{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"%s/%s","digest":{"sha256":"%s"}}],"predicateType":"%s","predicate":{}}' \
    "$host" "$1" "$(field digest "$2" | cut -d: -f2)" "$predicate" > "$dir/statement.json"
  # DSSE signs the pre-authentication encoding: "DSSEv1 <len(type)> <type> <len(body)> <body>"
  { printf 'DSSEv1 %s %s %s ' "${#type}" "$type" "$(stat -c %s "$dir/statement.json")"; cat "$dir/statement.json"; } > "$dir/pae"
  signature=$(openssl dgst -sha256 -sign "$3" "$dir/pae" | base64 -w0)
  printf '{"mediaType":"%s","verificationMaterial":{"publicKey":{"hint":""},"tlogEntries":[]},"dsseEnvelope":{"payload":"%s","payloadType":"%s","signatures":[{"sig":"%s","keyid":""}]}}' \
    "$bundle_type" "$(base64 -w0 < "$dir/statement.json")" "$type" "$signature" > "$dir/bundle.json"
  bundle=$(put "$dir/bundle.json" "$bundle_type")
  printf '{}' > "$dir/empty.json"
  empty=$(put "$dir/empty.json" application/vnd.oci.empty.v1+json)
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"%s","config":%s,"layers":[%s],"subject":%s,"annotations":{"dev.sigstore.bundle.content":"dsse-envelope","dev.sigstore.bundle.predicateType":"%s"}}' \
    "$bundle_type" "$empty" "$bundle" "$2" "$predicate" > "$dir/bundle-manifest.json"
  manifest=$(put "$dir/bundle-manifest.json" application/vnd.oci.image.manifest.v1+json)
  list "${manifest%\}},\"artifactType\":\"$bundle_type\",\"annotations\":{\"dev.sigstore.bundle.predicateType\":\"$predicate\"}}"
}

b64url() { basenc --base64url -w0 | tr -d '='; }
# ECDSA DER SEQUENCE{r,s} on stdin -> the fixed-size r||s that JWS uses (P-256: 32 bytes each)
der_to_raw() {
  openssl asn1parse -inform DER | awk -F: '/INTEGER/ {print $NF}' | while read -r hex; do
    hex=$(sed 's/^0*//' <<<"$hex")
    printf '%064s' "$hex" | tr ' ' 0
  done | xxd -r -p
}
# notary_sign REPOSITORY IMAGE_DESCRIPTOR LEAF CA: a Notary Project JWS signature attached as a referrer
notary_sign() {
  local dir=$work/$1 protected payload x5c envelope empty manifest signed
  protected=$(printf '{"alg":"ES256","crit":["io.cncf.notary.signingScheme"],"cty":"application/vnd.cncf.notary.payload.v1+json","io.cncf.notary.signingScheme":"notary.x509","io.cncf.notary.signingTime":"%s"}' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" | b64url)
  payload=$(printf '{"targetArtifact":%s}' "$2" | b64url)
  printf '%s.%s' "$protected" "$payload" > "$dir/jws-input"
  signed=$(openssl dgst -sha256 -sign "$3.key" "$dir/jws-input" | der_to_raw | b64url)
  x5c=$(for c in "$3" "$4"; do printf '"%s"\n' "$(openssl x509 -in "$c.crt" -outform DER | base64 -w0)"; done | paste -sd,)
  printf '{"payload":"%s","protected":"%s","header":{"x5c":[%s],"io.cncf.notary.signingAgent":"imagegate-examples"},"signature":"%s"}' \
    "$payload" "$protected" "$x5c" "$signed" > "$dir/signature.jws"
  envelope=$(put "$dir/signature.jws" application/jose+json)
  printf '{}' > "$dir/empty.json"
  empty=$(put "$dir/empty.json" application/vnd.oci.empty.v1+json)
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.cncf.notary.signature","config":%s,"layers":[%s],"subject":%s}' \
    "$empty" "$envelope" "$2" > "$dir/notary-manifest.json"
  manifest=$(put "$dir/notary-manifest.json" application/vnd.oci.image.manifest.v1+json)
  list "${manifest%\}},\"artifactType\":\"application/vnd.cncf.notary.signature\"}"
}

# --- keys and certificates (private halves stay in $work) ---------------------------------------
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$1"; }
ec_key "$work/release.key"
ec_key "$work/untrusted.key"
openssl pkey -in "$work/release.key" -pubout -out "$trust/release-key.pub"
cat > "$work/x509.cnf" <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[leaf]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = codeSigning
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
CNF
ec_key "$work/ca.key"
openssl req -new -x509 -key "$work/ca.key" -subj "/O=example.com/CN=Example Platform CA" -days 3650 -sha256 \
  -config "$work/x509.cnf" -extensions ca -out "$work/ca.crt"
ec_key "$work/leaf.key"
openssl req -new -key "$work/leaf.key" -subj "/O=example.com/CN=Example Payments Release" -config "$work/x509.cnf" -out "$work/leaf.csr"
openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 3650 -sha256 \
  -extfile "$work/x509.cnf" -extensions leaf -out "$work/leaf.crt" 2>/dev/null
cp "$work/ca.crt" "$trust/platform-ca.crt"

# --- images and signatures ------------------------------------------------------------------------
image shop/storefront 1.0
storefront=$descriptor
cosign_sign shop/storefront "$storefront" "$work/release.key"
image shop/worker 1.0
image shop/legacy 1.0
cosign_sign shop/legacy "$descriptor" "$work/untrusted.key"
image shop/cart 1.0
bundle_sign shop/cart "$descriptor" "$work/release.key"
image payments/api 1.0
notary_sign payments/api "$descriptor" "$work/leaf" "$work/ca"

{
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[\n'
  printf '%s' "${index_entries[0]}"
  printf ',\n%s' "${index_entries[@]:1}"
  printf '\n]}\n'
} > "$layout/index.json"

# --- trust material into the policies that embed it -----------------------------------------------
# replace_pem TYPE PEM_FILE FILE...: every TYPE PEM block in FILE becomes PEM_FILE, same indentation
replace_pem() {
  local type=$1 pem=$2
  shift 2
  PEM_TYPE=$type PEM_TEXT=$(cat "$pem") perl -0pi -e '
    my ($t, @new) = ($ENV{PEM_TYPE}, split /\n/, $ENV{PEM_TEXT});
    s{^([ \t]*)-----BEGIN \Q$t\E-----\n(?:\1[A-Za-z0-9+/=]+\n)*\1-----END \Q$t\E-----$}{join "\n", map { $1 . $_ } @new}gme;
  ' "$@"
}
policies=$examples/policies
replace_pem "PUBLIC KEY" "$trust/release-key.pub" \
  "$policies/quickstart/release-signature.yaml" "$policies/current/cosign-keyed.yaml" \
  "$policies/current/attestation-intoto.yaml" "$policies/seed-era/cosign-keyed.yaml"
replace_pem "CERTIFICATE" "$trust/platform-ca.crt" \
  "$policies/quickstart/payments-notary.yaml" "$policies/current/notary.yaml" "$policies/seed-era/notary-payload.yaml"

echo "wrote $(find "$layout" -type f | wc -l) files ($(du -sk "$layout" | cut -f1) KB) to $layout"
echo "shop/storefront:1.0 is $(field digest "$storefront")"
