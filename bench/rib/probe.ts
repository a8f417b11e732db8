// What the rib bench asks a receiver started by bench/ingest/receivers.ts, per neighbor, through
// its control interface:
//   Herald  GET /api/v1/neighbors (state, prefixes.received), GET /api/v1/routes/{address}/{length}
//           (which path is best), GET /api/v1/routes?table=loc&format=ndjson (the whole Loc-RIB)
//   BIRD    birdc show protocols all ("BGP state", "Routes: N imported"), show route P primary,
//           show route primary protocol X count
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { addressTag, type LinkTopology, run } from '../../test/interop/harness/index.js';
import { type Receiver, unixGet } from '../ingest/receivers.js';

export interface NeighborCount {
  established: boolean;
  /** Routes held from the neighbor (Herald: prefixes.received; BIRD: routes imported). */
  routes: number;
}

export interface LocRibCount {
  prefixes: number;
  /** Prefixes whose best path is from each neighbor. */
  bestBy: Record<string, number>;
}

export interface RibProbe {
  /** One reading for every neighbor, in one request to the receiver. */
  neighbors(): Promise<Map<string, NeighborCount>>;
  /** The neighbor each prefix's best path comes from (undefined: no route). */
  bestFrom(prefixes: string[]): Promise<Array<string | undefined>>;
  /** The whole Loc-RIB counted by the source of the best path (slow; not in a timed window). */
  locRib(): Promise<LocRibCount>;
  /** How the counts are taken, for the report. */
  readonly how: string;
}

interface HeraldNeighborRow {
  address: string;
  state: string;
  prefixes: { received: number };
}

interface HeraldPrefixRoute {
  paths: Array<{ neighbor: string; best: boolean }>;
}

/** Streams an ndjson response from the unix socket, one parsed row at a time. */
function unixNdjson(socket: string, path: string, onRow: (row: unknown) => void): Promise<void> {
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, path, method: 'GET', timeout: 120_000 }, (r) => {
      if (r.statusCode !== 200) {
        rej(new Error(`GET ${path}: HTTP ${r.statusCode}`));
        r.resume();
        return;
      }
      let partial = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => {
        partial += c;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) if (l) onRow(JSON.parse(l));
      });
      r.on('end', () => {
        if (partial) onRow(JSON.parse(partial));
        res();
      });
      r.on('error', rej);
    });
    req.on('error', rej);
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}

function heraldProbe(t: LinkTopology, rx: Receiver): RibProbe {
  const socket = join(rx.dir, 'api.sock');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.onDestroy(() => agent.destroy());
  return {
    how: 'GET /api/v1/neighbors → prefixes.received; GET /api/v1/routes/{prefix} for the sample',
    async neighbors() {
      const rows = await unixGet<HeraldNeighborRow[]>(agent, socket, '/api/v1/neighbors');
      return new Map(
        rows.map((n) => [n.address, { established: n.state === 'Established', routes: n.prefixes.received }]),
      );
    },
    async bestFrom(prefixes) {
      const out: Array<string | undefined> = [];
      for (const p of prefixes) {
        try {
          const r = await unixGet<HeraldPrefixRoute>(agent, socket, `/api/v1/routes/${p}`);
          out.push(r.paths.find((x) => x.best)?.neighbor);
        } catch (e) {
          if (/HTTP 404/.test((e as Error).message)) out.push(undefined);
          else throw e;
        }
      }
      return out;
    },
    async locRib() {
      const best = new Map<string, string>();
      await unixNdjson(socket, '/api/v1/routes?table=loc&afi=ipv4&format=ndjson', (row) => {
        const r = row as { prefix: string; neighbor: string; best: boolean };
        if (r.best) best.set(r.prefix, r.neighbor);
        else if (!best.has(r.prefix)) best.set(r.prefix, '(none)');
      });
      const bestBy: Record<string, number> = {};
      for (const n of best.values()) bestBy[n] = (bestBy[n] ?? 0) + 1;
      return { prefixes: best.size, bestBy };
    },
  };
}

function birdProbe(rx: Receiver, neighbors: string[]): RibProbe {
  const ctl = join(rx.dir, 'bird.ctl');
  // the harness names neighbor i's protocol n<i+1>_<address>
  const protoOf = new Map(neighbors.map((a, i) => [a, `n${i + 1}_${addressTag(a)}`]));
  const addressOf = new Map([...protoOf].map(([a, p]) => [p, a]));
  const birdc = async (args: string[]): Promise<string> =>
    (await run('birdc', ['-s', ctl, ...args], { timeoutMs: 120_000 })).stdout;
  return {
    how: 'birdc show protocols all → "Routes: N imported"; show route P primary for the sample',
    async neighbors() {
      const out = await birdc(['show', 'protocols', 'all']);
      const counts = new Map<string, NeighborCount>();
      for (const block of out.split(/\n(?=\S)/)) {
        const name = /^(\S+)\s+BGP\s/.exec(block)?.[1];
        const address = name ? addressOf.get(name) : undefined;
        if (!address) continue;
        counts.set(address, {
          established: /BGP state:\s+Established/.test(block),
          routes: Number(/Routes:\s+(\d+) imported/.exec(block)?.[1] ?? 0),
        });
      }
      return counts;
    },
    async bestFrom(prefixes) {
      const out: Array<string | undefined> = [];
      for (const p of prefixes) {
        const text = await birdc(['show', 'route', p, 'primary']);
        const proto = /\[(\S+)\s[^\]]*\]\s+\*/.exec(text)?.[1];
        out.push(proto ? (addressOf.get(proto) ?? proto) : undefined);
      }
      return out;
    },
    async locRib() {
      const bestBy: Record<string, number> = {};
      for (const [address, proto] of protoOf) {
        const text = await birdc(['show', 'route', 'primary', 'protocol', proto, 'count']);
        const m = /(\d+) of (\d+) routes/.exec(text) ?? /(\d+) routes/.exec(text);
        const n = Number(m?.[1] ?? 0);
        if (n > 0) bestBy[address] = n;
      }
      const all = await birdc(['show', 'route', 'count']);
      const networks = Number(/for (\d+) networks/.exec(all)?.[1] ?? 0);
      return { prefixes: networks, bestBy };
    },
  };
}

export function ribProbe(t: LinkTopology, rx: Receiver, neighbors: string[]): RibProbe {
  if (rx.kind === 'herald') return heraldProbe(t, rx);
  if (rx.kind === 'bird') return birdProbe(rx, neighbors);
  throw new Error(`bench:rib has no probe for ${rx.kind}`);
}
