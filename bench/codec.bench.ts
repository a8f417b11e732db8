// npm run bench:codec — codec speed on one core.
//
// Decode: every UPDATE of the full-table MRT capture applied to an Adj-RIB-In (attributes interned
// by their raw octets, prefixes in the compact tables): the form the RIB keeps. bgpdump, a C MRT
// decoder from Debian, reads the same file in the same run for a ratio.
// Encode: a synthetic 1M-route IPv4 table, grouped into attribute sets, packed into UPDATEs in a
// preallocated buffer; garbage collections during the run show whether anything is allocated per
// prefix.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { readMrtRecords } from '../src/mrt/index.js';
import { AdjRibIn } from '../src/rib/adj-rib-in.js';
import {
  codecContext,
  decodeUpdate,
  HEADER_LENGTH,
  type Ipv4Routes,
  MessageType,
  type PreparedAttributes,
  packIpv4Update,
  prepareAttributes,
  Writer,
} from '../src/wire/index.js';
import { FULL_TABLE_MRT } from './ingest/data.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** Rounds run first and not counted, so the JIT has compiled the hot paths. */
const WARMUP = 2;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function loadUpdates(): { bodies: Buffer[]; as4: boolean } {
  const data = gunzipSync(readFileSync(FULL_TABLE_MRT));
  const bodies: Buffer[] = [];
  let as4 = true;
  for (const r of readMrtRecords(data)) {
    if (r.kind !== 'bgp4mp-message' || r.message[18] !== MessageType.UPDATE) continue;
    as4 = r.as4;
    bodies.push(r.message.subarray(HEADER_LENGTH));
  }
  return { bodies, as4 };
}

function benchDecode(): {
  rate: number;
  prefixes: number;
  updates: number;
  objectRate: number;
  held: number;
} {
  const { bodies, as4 } = loadUpdates();
  const ctx = codecContext({ as4 });
  const times: number[] = [];
  let prefixes = 0;
  let held = 0;
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    gc(); // each round starts without the previous round's table
    const rib = new AdjRibIn();
    let n = 0;
    const t0 = performance.now();
    for (const body of bodies) {
      const r = rib.apply(body, ctx);
      n += r.announced + r.withdrawn;
    }
    if (round >= WARMUP) times.push(performance.now() - t0);
    prefixes = n;
    held = rib.size;
  }
  // The object form (every UPDATE decoded into values, nothing kept) for comparison.
  const objectTimes: number[] = [];
  for (let round = 0; round < WARMUP + 3; round++) {
    const t0 = performance.now();
    for (const body of bodies) decodeUpdate(body, ctx);
    if (round >= WARMUP) objectTimes.push(performance.now() - t0);
  }
  console.log(`decode rounds (ms): ${times.map((t) => t.toFixed(0)).join(' ')}`);
  // Memory the Adj-RIB-In holds for the table (heap + typed arrays), measured after a full GC.
  gc();
  const before = process.memoryUsage();
  let rib: AdjRibIn | undefined = new AdjRibIn();
  for (const body of bodies) rib.apply(body, ctx);
  gc();
  const after = process.memoryUsage();
  const bytes = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  console.log(
    `Adj-RIB-In memory: ${(bytes / 1e6).toFixed(1)} MB for ${rib.size} routes and ${rib.attributes.size} attribute sets = ${(bytes / rib.size).toFixed(0)} bytes/route`,
  );
  rib = undefined;
  return {
    rate: prefixes / (median(times) / 1000),
    objectRate: prefixes / (median(objectTimes) / 1000),
    prefixes,
    updates: bodies.length,
    held,
  };
}

function syntheticTable(
  routes: number,
  sets: number,
): { routes: Ipv4Routes; setStarts: number[]; prepared: PreparedAttributes[] } {
  const addrs = new Uint32Array(routes);
  const lengths = new Uint8Array(routes);
  for (let i = 0; i < routes; i++) {
    addrs[i] = ((0x01000000 + i * 256) >>> 0) & 0xffffff00;
    lengths[i] = 24 - (i % 5 === 0 ? 2 : 0);
    if (lengths[i] === 22) addrs[i] &= 0xfffffc00;
  }
  const ctx = codecContext({ as4: true });
  const prepared: PreparedAttributes[] = [];
  const setStarts: number[] = [];
  for (let s = 0; s < sets; s++) {
    setStarts.push(Math.floor((s * routes) / sets));
    prepared.push(
      prepareAttributes(
        {
          origin: 0,
          asPath: [{ type: 2, asns: [64512, 3356, 1299, 64512 + (s % 1000)] }],
          nextHop: '192.0.2.1',
          med: s % 100,
          communities: [0xfc000064, (64512 << 16) | (s & 0xffff)],
          largeCommunities: [{ global: 64512, local1: 1, local2: s }],
        },
        ctx,
      ),
    );
  }
  setStarts.push(routes);
  return { routes: { addrs, lengths }, setStarts, prepared };
}

function benchEncode(): { rate: number; messages: number; bytes: number; gcs: number; routes: number } {
  const ROUTES = 1_000_000;
  const SETS = 50_000;
  const { routes, setStarts, prepared } = syntheticTable(ROUTES, SETS);
  const ctx = codecContext({ as4: true });
  const w = Writer.alloc(1 << 20);
  const times: number[] = [];
  let messages = 0;
  let bytes = 0;
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    messages = 0;
    bytes = 0;
    if (round === WARMUP + ROUNDS - 1) {
      gc();
      obs.observe({ entryTypes: ['gc'] });
    }
    const t0 = performance.now();
    for (let s = 0; s < SETS; s++) {
      const end = setStarts[s + 1];
      let i = setStarts[s];
      while (i < end) {
        if (w.remaining < 4096) {
          bytes += w.pos; // hand the full buffer to the socket; the bench just reuses it
          w.rollback(0);
        }
        i = packIpv4Update(w, prepared[s], routes, i, end, ctx);
        messages++;
      }
    }
    bytes += w.pos;
    w.rollback(0);
    if (round >= WARMUP) times.push(performance.now() - t0);
  }
  obs.disconnect();
  return { rate: ROUTES / (median(times) / 1000), messages, bytes, gcs, routes: ROUTES };
}

function bgpdumpRate(prefixes: number): number | undefined {
  if (!existsSync('/usr/bin/bgpdump')) return undefined;
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    execFileSync('/usr/bin/bgpdump', ['-m', '-O', '/dev/null', FULL_TABLE_MRT], { stdio: 'ignore' });
    times.push(performance.now() - t0);
  }
  return prefixes / (median(times) / 1000);
}

const fmt = (n: number) => `${(n / 1e6).toFixed(2)}M`;
const d = benchDecode();
console.log(
  `decode: ${d.updates} UPDATEs, ${d.prefixes} prefixes → Adj-RIB-In (${d.held} held): ${fmt(d.rate)} prefixes/s (target ≥ 1.5M)`,
);
console.log(`decode (full object form, decodeUpdate): ${fmt(d.objectRate)} prefixes/s`);
const bd = bgpdumpRate(d.prefixes);
if (bd)
  console.log(
    `bgpdump -m on the same file: ${fmt(bd)} prefixes/s; Herald/bgpdump = ${(d.rate / bd).toFixed(1)}×`,
  );
else console.log('bgpdump not installed: no side-by-side ratio');
const e = benchEncode();
console.log(
  `encode: ${e.routes} routes in ${e.messages} UPDATEs (${(e.bytes / 1e6).toFixed(1)} MB): ${fmt(e.rate)} prefixes/s (target ≥ 2M); ` +
    `GCs during the last 1M-route run: ${e.gcs}`,
);
