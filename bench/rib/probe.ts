// What the rib bench asks a receiver started by bench/ingest/receivers.ts, per neighbor, through
// its control interface:
//   Herald  GET /api/v1/neighbors (state, prefixes.received), GET /api/v1/routes/{address}/{length}
//           (which path is best), GET /api/v1/routes?table=loc&format=ndjson (the whole Loc-RIB)
//   BIRD    birdc show protocols all ("BGP state", "Routes: N imported"), show route P primary,
//           show route primary protocol X count
//   GoBGP   gobgp -j neighbor (session_state, afi_safis received), gobgp -j global rib -a ipv4 P
//           (the path marked best), gobgp -j global rib -a ipv4 summary (destinations)
//   FRR     show bgp summary json (state, pfxRcd), show bgp ipv4 unicast P
//           json (bestpath.overall), … neighbors X prefix-counts json ("PfxCt Best Selected")
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { addressTag, gobgpSessionState, type LinkTopology, run } from '../../test/interop/harness/index.js';
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
  const networks = async (): Promise<number> =>
    Number(/for (\d+) networks/.exec(await birdc(['show', 'route', 'count']))?.[1] ?? 0);
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
      return { prefixes: await networks(), bestBy };
    },
  };
}

interface GobgpNeighborRow {
  conf?: { neighbor_address?: string };
  state?: { session_state?: number | string; neighbor_address?: string };
  afi_safis?: Array<{ state?: { received?: number } }>;
}

interface GobgpRibPath {
  best?: boolean;
  'neighbor-ip'?: string;
}

/** The receiver's own CLI (GoBGP, FRR), which receivers.ts exposes for these two. */
function cliOf(rx: Receiver): (args: string[]) => Promise<string> {
  const cli = rx.cli;
  if (!cli) throw new Error(`bench:rib: ${rx.kind} has no CLI`);
  return (args) => cli.call(rx, args);
}

function gobgpProbe(rx: Receiver): RibProbe {
  const gobgp = cliOf(rx);
  const destinations = async (): Promise<number> =>
    (
      JSON.parse(await gobgp(['-j', 'global', 'rib', '-a', 'ipv4', 'summary'])) as {
        num_destination?: number;
      }
    ).num_destination ?? 0;
  const counts = async (): Promise<Map<string, NeighborCount>> => {
    const rows = JSON.parse(await gobgp(['-j', 'neighbor'])) as GobgpNeighborRow[];
    return new Map(
      rows.map((n) => [
        n.conf?.neighbor_address ?? n.state?.neighbor_address ?? '',
        {
          established: gobgpSessionState(n.state?.session_state) === 'established',
          routes: (n.afi_safis ?? []).reduce((s, a) => s + (a.state?.received ?? 0), 0),
        },
      ]),
    );
  };
  return {
    how:
      'gobgp -j neighbor → afi_safis received; gobgp -j global rib -a ipv4 P (best) for the sample; ' +
      'Loc-RIB: destinations from the rib summary, best from the one neighbor still holding paths',
    neighbors: counts,
    async bestFrom(prefixes) {
      const out: Array<string | undefined> = [];
      for (const p of prefixes) {
        const rib = JSON.parse((await gobgp(['-j', 'global', 'rib', '-a', 'ipv4', p])) || '{}') as Record<
          string,
          GobgpRibPath[]
        >;
        out.push(rib[p]?.find((x) => x.best)?.['neighbor-ip']);
      }
      return out;
    },
    async locRib() {
      // `gobgp -j global rib` of two full tables is ~0.5 GB of JSON: the destinations are counted
      // by the summary, and the best paths are a neighbor's when no other one holds any path.
      const prefixes = await destinations();
      const holding = [...(await counts())].filter(([, c]) => c.routes > 0);
      const bestBy: Record<string, number> = {};
      if (holding.length === 1) bestBy[holding[0][0]] = prefixes;
      else for (const [address] of holding) bestBy[address] = Number.NaN; // not told apart this way
      return { prefixes, bestBy };
    },
  };
}

interface FrrSummaryJson {
  ipv4Unicast?: { peers?: Record<string, { state?: string; pfxRcd?: number }> };
}

interface FrrPrefixJson {
  paths?: Array<{ bestpath?: { overall?: boolean }; peer?: { peerId?: string } }>;
}

function frrProbe(rx: Receiver): RibProbe {
  const vtysh = cliOf(rx);
  const summary = async (): Promise<FrrSummaryJson> =>
    JSON.parse(await vtysh(['show bgp summary json'])) as FrrSummaryJson;
  // Each prefix has one best path, from one neighbor: the Loc-RIB's prefixes are the sum (the
  // summary's ribCount counts the table's nodes, 1,053,772 here after P1's withdrawal).
  const bestSelected = async (): Promise<LocRibCount> => {
    const bestBy: Record<string, number> = {};
    let prefixes = 0;
    for (const address of Object.keys((await summary()).ipv4Unicast?.peers ?? {})) {
      const pc = JSON.parse(
        await vtysh([`show bgp ipv4 unicast neighbors ${address} prefix-counts json`]),
      ) as {
        ribTableWalkCounters?: Record<string, number>;
      };
      const n = pc.ribTableWalkCounters?.['PfxCt Best Selected'] ?? 0;
      prefixes += n;
      if (n > 0) bestBy[address] = n;
    }
    return { prefixes, bestBy };
  };
  return {
    how:
      'show bgp summary json → pfxRcd; show bgp ipv4 unicast P json (bestpath) for the ' +
      'sample; Loc-RIB: each neighbor\'s prefix-counts "PfxCt Best Selected"',
    async neighbors() {
      const peers = (await summary()).ipv4Unicast?.peers ?? {};
      return new Map(
        Object.entries(peers).map(([address, p]) => [
          address,
          { established: p.state === 'Established', routes: p.pfxRcd ?? 0 },
        ]),
      );
    },
    async bestFrom(prefixes) {
      const out: Array<string | undefined> = [];
      for (const p of prefixes) {
        const r = JSON.parse((await vtysh([`show bgp ipv4 unicast ${p} json`])) || '{}') as FrrPrefixJson;
        out.push(r.paths?.find((x) => x.bestpath?.overall)?.peer?.peerId);
      }
      return out;
    },
    locRib: bestSelected,
  };
}

export function ribProbe(t: LinkTopology, rx: Receiver, neighbors: string[]): RibProbe {
  if (rx.kind === 'herald') return heraldProbe(t, rx);
  if (rx.kind === 'bird') return birdProbe(rx, neighbors);
  if (rx.kind === 'gobgp') return gobgpProbe(rx);
  return frrProbe(rx);
}
