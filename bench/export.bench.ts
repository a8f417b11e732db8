// npm run bench:export — the routing engine alone (no sockets), the bench:rib scenario in process,
// to see where the time and memory of the export path go: two iBGP peers load the full table of
// the MRT capture (the second with one more AS on every path), the first withdraws everything,
// then four eBGP peers with an export policy come up and get the table. Sinks count octets and
// accept everything (or, with EXPORT_STALL=1, the extra peers never drain: the stalled-peer case).
// Prints seconds and heap per phase. Not a comparison with another daemon (bench:rib is).
//
//   npm run bench:export   (EXPORT_GC=1 is implied: node runs with --expose-gc)

import { compilePolicies } from '../src/policy/index.js';
import type { Sink } from '../src/rib/adj-rib-out.js';
import type { SessionFacts } from '../src/rib/neighbor-ribs.js';
import { RoutingEngine } from '../src/rib/routing-engine.js';
import { ManualClock } from '../src/session/clock.js';
import { codecContext, IPV4_UNICAST } from '../src/wire/index.js';
import type { UpdateStream } from './ingest/data.js';
import { FULL_TABLE_MRT, loadUpdates } from './ingest/data.js';
import { prependOneAs, withdrawAll } from './rib/data.js';

const ASN = 3856;
const EXTRA = ['10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.0.14'];
const STALL = process.env.EXPORT_STALL === '1';
const gc = (globalThis as { gc?: () => void }).gc;

function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
const rss = () => process.memoryUsage().rss / 2 ** 20;

function bodies(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const len = bytes.readUInt16BE(pos + 16);
    out.push(bytes.subarray(pos + 19, pos + len));
    pos += len;
  }
  return out;
}

function facts(peerAsn: number, localAddress: string): SessionFacts {
  const ibgp = peerAsn === ASN;
  const ctx = codecContext({ as4: true, ibgp });
  return {
    peerAsn,
    peerBgpId: localAddress,
    ibgp,
    families: new Set([IPV4_UNICAST]),
    send: ctx,
    receive: ctx,
    localAddress: '10.0.0.2',
    ipv4OverIpv6: false,
    enhancedRouteRefresh: false,
  };
}

class CountingSink implements Sink {
  octets = 0;
  messages = 0;
  open = true;
  done?: () => void;
  constructor(private readonly stalled: boolean) {}
  send(m: Buffer, count = 1): boolean {
    this.octets += m.length;
    this.messages += count;
    // End-of-RIB (23 octets for IPv4: no attributes, no NLRI) ends the initial export.
    if (m.length === 23) this.done?.();
    return !this.stalled;
  }
  drained(): Promise<void> {
    return new Promise(() => {}); // a stalled peer never drains
  }
}

const turn = () => new Promise((r) => setImmediate(r));

async function main() {
  const stream: UpdateStream = loadUpdates(FULL_TABLE_MRT);
  const p1 = bodies(stream.bytes);
  const p2 = bodies(prependOneAs(stream));
  const gone = bodies(withdrawAll(stream).bytes);
  const policies = compilePolicies({
    policies: {
      'pass-learned': { terms: [{ match: { routeType: 'learned' }, action: 'accept' }], default: 'reject' },
    },
  });
  const engine = new RoutingEngine({
    clock: new ManualClock(),
    localRoutes: () => [],
    localAsn: () => ASN,
    report: {
      routesNotSent: () => {},
      internalError: (_a, e) => {
        throw e;
      },
    },
  });
  engine.setPolicies(policies);
  const n1 = engine.addNeighbor({ address: '10.0.0.1', configuredAsns: [ASN] });
  const n2 = engine.addNeighbor({ address: '10.0.0.3', configuredAsns: [ASN] });
  const extras = EXTRA.map((address, i) =>
    engine.addNeighbor({ address, configuredAsns: [65001 + i], exportPolicy: 'pass-learned' }),
  );
  n1.up(facts(ASN, '10.0.0.1'), new CountingSink(false));
  n2.up(facts(ASN, '10.0.0.3'), new CountingSink(false));
  await turn();
  const heap0 = heapMb();
  console.log(`idle: heap ${heap0.toFixed(1)} MB, rss ${rss().toFixed(0)} MB, ${stream.endState} prefixes`);

  let t = performance.now();
  for (let i = 0; i < p1.length; i++) {
    n1.received(p1[i]);
    n2.received(p2[i]);
    if ((i & 255) === 0) await turn();
  }
  await turn();
  const load = (performance.now() - t) / 1000;
  const heap1 = heapMb();
  const paths = n1.adjRibIn.size + n2.adjRibIn.size;
  console.log(
    `load: ${load.toFixed(2)} s, ${paths} paths, ${(((heap1 - heap0) * 2 ** 20) / paths).toFixed(0)} B/path (heap), rss ${rss().toFixed(0)} MB`,
  );

  if (process.env.EXPORT_STOP === 'load') process.exit(0);
  t = performance.now();
  for (let i = 0; i < gone.length; i++) {
    n1.received(gone[i]);
    if ((i & 255) === 0) await turn();
  }
  await turn();
  console.log(`converge: ${((performance.now() - t) / 1000).toFixed(2)} s, P1 holds ${n1.adjRibIn.size}`);

  const heap2 = heapMb();
  t = performance.now();
  const sinks = extras.map(() => new CountingSink(STALL));
  const finished = sinks.map(
    (s) =>
      new Promise<void>((r) => {
        s.done = r;
      }),
  );
  for (const [i, n] of extras.entries()) n.up(facts(65001 + i, EXTRA[i]), sinks[i]);
  if (STALL) {
    for (let i = 0; i < 20; i++) await turn();
    await new Promise((r) => setTimeout(r, 2000));
  } else await Promise.all(finished);
  const exportS = (performance.now() - t) / 1000;
  const heap3 = heapMb();
  const prefixes = n2.adjRibIn.size;
  console.log(
    `export to ${extras.length}: ${exportS.toFixed(2)} s, ${sinks.map((s) => s.messages).join('/')} messages, ` +
      `${(((heap3 - heap2) * 2 ** 20) / prefixes / extras.length).toFixed(1)} B/route/peer (heap), rss ${rss().toFixed(0)} MB` +
      (STALL ? ' (stalled)' : ''),
  );
  console.log(`attribute sets held: ${n2.adjRibIn.attributes.size} (P2), out sets: ${engine.outSetCount}`);
  process.exit(0);
}

void main();
