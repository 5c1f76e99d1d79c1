#!/usr/bin/env bash
# The OCI registry fixture: Debian's docker-registry (distribution 2.8), skopeo and umoci to push
# content with tools ImageGate did not write, openssl for TLS fixtures, htpasswd for Basic auth.
set -euo pipefail
need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v umoci >/dev/null 2>&1 || need+=(umoci)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
if [ ${#need[@]} -eq 0 ]; then
  echo "registry tools present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
