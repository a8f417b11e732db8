#!/usr/bin/env bash
# fabric-routes-into-host: Herald on a host learns the fabric from a ToR pair (FRR + BIRD) and
# installs ECMP kernel routes; BFD removes a dead ToR's next hop. Runs in network namespaces
# (no Docker): needs root, FRR (zebra, bgpd, bfdd) and BIRD 2. Prints PASS/FAIL per check.
source "$(dirname "$0")/../lib/run-lab.sh"
run_lab labs/fabric-routes-into-host/lab.ts frr bird
