#!/usr/bin/env bash
# The one test command: installs what the tests need (npm packages, and the peer daemons from
# Debian when missing) and runs every test. Writes the runner's JSON report to
# test-results/vitest.json and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh || exit 1
# `npm install` honours package-lock.json; npm 11's `npm ci` rejects this lock file because it
# leaves out optional packages for other platforms (biome, esbuild binaries).
npm install --no-audit --no-fund --loglevel=error || exit 1

mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + (r.numTotalTests === 0 ? 1 : 0)} failed`);
' || { echo "0 passed, 1 failed"; exit 1; }
exit $status
