#!/usr/bin/env bash
# ebgp-multihop-distribution-switch: nodes running Herald peer by eBGP multihop with an FRR
# distribution switch two hops away that filters with an inbound prefix list. Runs in network
# namespaces (no Docker): needs root and FRR. Prints PASS/FAIL per check.
source "$(dirname "$0")/../lib/run-lab.sh"
run_lab labs/ebgp-multihop-distribution-switch/lab.ts frr
