#!/usr/bin/env bash
# openwrt-home-lab: the seed's MetalLB ConfigMap through `herald import-metallb`, two Herald nodes
# in Kubernetes mode that allocate the service IPs themselves, and the OpenWrt router (FRR,
# AS 65000) with the two nodes as neighbors. Runs in network namespaces (no Docker): needs root
# and FRR. Prints PASS/FAIL per check.
source "$(dirname "$0")/../lib/run-lab.sh"
run_lab labs/openwrt-home-lab/lab.ts frr
