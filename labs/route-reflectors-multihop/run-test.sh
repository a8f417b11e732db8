#!/usr/bin/env bash
# route-reflectors-multihop: three nodes running Herald peer by iBGP from their loopbacks with two
# route reflectors' loopbacks (FRR and BIRD) two hops away; an anycast /32 announced by every node
# reaches the reflectors' client (an FRR leaf) as three paths through add-path. Runs in network
# namespaces (no Docker): needs root, FRR and BIRD. Prints PASS/FAIL per check.
source "$(dirname "$0")/../lib/run-lab.sh"
run_lab labs/route-reflectors-multihop/lab.ts frr bird
