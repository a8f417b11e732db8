#!/usr/bin/env bash
# Regenerates the rtnetlink fixtures in test/fixtures/netlink/ (see scripts/capture-netlink.ts):
# creates a private network namespace, records there, and removes it (also on failure).
# Needs root and iproute2. Nothing outside the namespace is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
ns="herald-nlcap-$$"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
timeout 60 ip netns exec "$ns" node --import tsx scripts/capture-netlink.ts "${1:-test/fixtures/netlink}"
