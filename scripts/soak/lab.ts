// The soak's network: the adversarial suite's lab (test/adversarial/lab.ts — Herald in namespace A,
// BIRD plus the relay agent in namespace B, one passive neighbor per raw speaker at 10.0.0.100+),
// started outside vitest and always torn down (namespaces, processes, temp dirs), even on failure.
// The daemon is the real bin/herald → dist/, with the soak's GC hook preloaded (gc-hook.mjs).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type HostileNeighbor, type Lab, startLab } from '../../test/adversarial/lab.js';
import {
  createChain,
  createLink,
  type Topology,
  type TopologyFactory,
} from '../../test/interop/harness/netns.js';
import { waitFor } from '../../test/interop/harness/util.js';

const GC_HOOK = fileURLToPath(new URL('./gc-hook.mjs', import.meta.url));

/** NODE_OPTIONS for a daemon under soak: the GC hook (SIGWINCH → full GC and a resource count). */
export const SOAK_NODE_OPTIONS = `--import=${GC_HOOK}`;

/** A topology factory whose topologies `destroyAll` removes (what useTopology does in vitest). */
export function topologies(): TopologyFactory {
  const created: Topology[] = [];
  const track = async <T extends Topology>(p: Promise<T>): Promise<T> => {
    const t = await p;
    created.push(t);
    return t;
  };
  return {
    link: () => track(createLink()),
    chain: () => track(createChain()),
    async destroyAll() {
      for (const t of created.splice(0).reverse()) await t.destroy().catch(() => {});
    },
  };
}

/** Runs `fn` with a fresh lab (Herald under the GC hook) and destroys everything afterwards. */
export async function withLab<T>(hostile: HostileNeighbor[], fn: (lab: Lab) => Promise<T>): Promise<T> {
  const topo = topologies();
  // startHerald passes the caller's environment to the daemon; nothing else in the lab is Node
  // except the relay agent, for which the hook is inert.
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = [saved, SOAK_NODE_OPTIONS].filter(Boolean).join(' ');
  try {
    const lab = await startLab(topo, hostile);
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
    return await fn(lab);
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
    await topo.destroyAll();
  }
}

/**
 * Changes Herald's config file with `edit` and reloads it (SIGHUP, as an operator would; the API's
 * reload answers only once applied, which outlasts the harness's 10 s request timeout for a large
 * table), then waits until `applied` says the daemon runs the new config.
 */
export async function reconfigure(
  lab: Lab,
  edit: (config: Record<string, unknown> & { neighbors: Array<Record<string, unknown>> }) => void,
  applied: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const config = parse(readFileSync(lab.herald.configFile, 'utf8'));
  edit(config);
  lab.herald.writeConfig(config);
  process.kill(lab.herald.process.pid, 'SIGHUP');
  await waitFor(applied, { timeoutMs, intervalMs: 200, what: 'the reloaded config applied' });
}
