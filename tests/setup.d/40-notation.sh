#!/usr/bin/env bash
# Tools the Notation fixture scripts use: openssl (PKI, JWS, RFC 3161 tokens, OCSP/CRL), xxd, basenc.
set -euo pipefail
missing=()
command -v openssl >/dev/null || missing+=(openssl)
command -v xxd >/dev/null || missing+=(xxd)
command -v basenc >/dev/null || missing+=(coreutils)
if [ ${#missing[@]} -eq 0 ]; then
  echo "notation: openssl, xxd and basenc present"
  exit 0
fi
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd=sudo
$sudo_cmd apt-get update
$sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
