#!/usr/bin/env bash
# ecmp-across-nodes: three Herald nodes in Kubernetes mode (fake API server with MetalLB
# resources) announce service IPs to an FRR leaf with dynamic neighbors and multipath. Runs in
# network namespaces (no Docker): needs root and FRR. Prints PASS/FAIL per check.
source "$(dirname "$0")/../lib/run-lab.sh"
run_lab labs/ecmp-across-nodes/lab.ts frr
