// In-process: a full table (the ingest bench's capture) in one neighbor's Adj-RIB-In while the
// Loc-RIB is followed, then the session goes down. Prints how long the down() call itself takes,
// the longest turn of the event loop until every route is let go of, and the total.
//   HERALD_MRT_DIR=/work/shared/data/mrt npx tsx bench/stall/down-probe.ts
import { performance } from 'node:perf_hooks';
import { RoutingEngine } from '../../src/rib/routing-engine.js';
import { ManualClock } from '../../src/session/clock.js';
import { codecContext, IPV4_UNICAST } from '../../src/wire/index.js';
import { FULL_TABLE_MRT, loadUpdates } from '../ingest/data.js';

const stream = loadUpdates(FULL_TABLE_MRT);
const engine = new RoutingEngine({
  clock: new ManualClock(),
  localRoutes: () => [],
  localAsn: () => 65001,
  report: { routesNotSent: () => {}, internalError: (_a, e) => console.error(e) },
});
let heard = 0;
// PROBE_FOLLOW=0: no follower, but an eBGP neighbor configured beside the iBGP one, as in bench:bfd
// under load (the engine then tracks changes for export)
if (process.env.PROBE_FOLLOW === '0') engine.addNeighbor({ address: '10.0.0.2', configuredAsns: [65002] });
else engine.followLocRib(() => heard++);
const n = engine.addNeighbor({ address: '10.0.0.3', configuredAsns: [65001] });
const ctx = codecContext({ as4: stream.as4, ibgp: true });
const facts = {
  peerAsn: 65001,
  peerBgpId: '10.0.0.3',
  ibgp: true,
  families: new Set([IPV4_UNICAST]),
  send: ctx,
  receive: ctx,
  ipv4OverIpv6: false,
  enhancedRouteRefresh: false,
};
n.up(facts, { send: () => true, drained: async () => {}, open: true });
const t00 = performance.now();
const chunks: number[] = [];
let count = 0;
let mark = t00;
for (let at = 0; at < stream.bytes.length; ) {
  // the session driver hands over at most 2,000 UPDATEs per turn of the event loop
  if (++count % 2000 === 0) {
    const now = performance.now();
    chunks.push(now - mark);
    mark = now;
  }
  const len = stream.bytes.readUInt16BE(at + 16);
  n.received(stream.bytes.subarray(at + 19, at + len));
  at += len;
}
console.log(
  `held ${n.receivedCount} routes after ${(performance.now() - t00).toFixed(0)} ms of ingest; ` +
    `the slowest 2,000 UPDATEs took ${chunks
      .sort((a, b) => b - a)
      .slice(0, 5)
      .map((ms) => ms.toFixed(0))
      .join(', ')} ms`,
);
heard = 0;
let longest = 0;
let last = performance.now();
let probing = true;
const probe = () => {
  const now = performance.now();
  longest = Math.max(longest, now - last);
  last = now;
  if (probing) setImmediate(probe);
};
const t0 = performance.now();
n.down();
const call = performance.now() - t0;
last = performance.now();
setImmediate(probe);
// (before retired-routes.ts the removal was all in the call)
await (engine as { retired?: { drained(): Promise<void> } }).retired?.drained();
probing = false;
const total = performance.now() - t0;
console.log(
  `down(): ${call.toFixed(1)} ms in the call, longest turn after it ${longest.toFixed(1)} ms, ` +
    `${total.toFixed(0)} ms until all ${heard} prefixes were reported`,
);
