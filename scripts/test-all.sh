#!/usr/bin/env bash
# The one test command: installs what the tests need (npm packages, and the peer daemons from
# Debian when missing) and runs every test. Writes the runner's JSON report to
# test-results/vitest.json and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh || exit 1
# `npm ci` installs exactly the lock file and fails when it is incomplete or out of step with
# package.json: the same check the Dockerfile and users' pipelines make.
npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci rejected package-lock.json"; echo "0 passed, 1 failed"; exit 1; }

mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + (r.numTotalTests === 0 ? 1 : 0)} failed`);
' || { echo "0 passed, 1 failed"; exit 1; }
exit $status
