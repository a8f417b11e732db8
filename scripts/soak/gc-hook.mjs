// Preloaded into the daemon under soak only (NODE_OPTIONS=--import …/gc-hook.mjs): on SIGWINCH (SIGUSR2
// is Herald's hard stop; a daemon never gets window changes) it runs
// two full garbage collections and prints one JSON line with what is left — heap used and the
// live handles by kind (sockets, timers, servers…) — so the soak measures a settled process.
// It adds no behaviour otherwise; Herald itself is the unmodified bin/herald → dist/.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
process.on('SIGWINCH', () => {
  gc();
  gc();
  const resources = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  process.stderr.write(
    `${JSON.stringify({ event: 'soakSettled', at: Date.now(), heapUsed: process.memoryUsage().heapUsed, resources })}\n`,
  );
});
