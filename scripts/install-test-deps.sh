#!/usr/bin/env bash
# Installs what the tests need on Debian/Ubuntu (run as root): the real BGP daemons the interop
# tests peer with (GoBGP, BIRD 2, FRR, ExaBGP), tshark for captures, bgpdump as an independent MRT
# decoder, iproute2 and nftables for the network namespaces, Go for the Helm chart's renderer.
# Only missing packages are installed.
set -euo pipefail

# Go with sprig and sigs.k8s.io/yaml builds scripts/helm-render, which renders the Helm chart in the
# tests the way `helm template` does (no helm package in Debian).
PACKAGES=(gobgpd bird2 frr tshark bgpdump exabgp iproute2 nftables
  golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-test-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "install-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The packages ship system services that would listen on port 179 of the host; the tests start
# their own instances inside network namespaces, so keep the system ones off where systemd runs.
if [[ -d /run/systemd/system ]]; then
  systemctl disable --now bird frr gobgpd exabgp >/dev/null 2>&1 || true
fi
echo "install-test-deps: ok"
