#!/usr/bin/env bash
# home-lab-router: a home-lab server running Herald announces static and health-checked /32s to
# a home router (FRR). Runs in network namespaces (no Docker): needs root and FRR.
# Prints PASS/FAIL per check.
source "$(dirname "$0")/../lib/run-lab.sh"
run_lab labs/home-lab-router/lab.ts frr
