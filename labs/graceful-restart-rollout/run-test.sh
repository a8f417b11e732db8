#!/usr/bin/env bash
# graceful-restart-rollout: two nodes running Herald with graceful restart and a stateDir are
# restarted one after the other (a DaemonSet rolling update) while a router (FRR) holds their
# routes; zero withdrawals may reach the router. Runs in network namespaces (no Docker): needs root
# and FRR. Prints PASS/FAIL per check.
source "$(dirname "$0")/../lib/run-lab.sh"
run_lab labs/graceful-restart-rollout/lab.ts frr
