// Runs inside the peer namespace: opens `count` TCP connections to Herald's port 179 from the given
// unknown source addresses (at most `concurrency` at once), each sending random octets, and times
// how long Herald takes to close each one. Prints one JSON summary line.
//
//   node --import tsx flood.agent.ts '{"host":"10.0.0.1","sources":["10.0.0.250"],"count":5000,"concurrency":100}'
import { randomBytes } from 'node:crypto';
import net from 'node:net';

const o = JSON.parse(process.argv[2] ?? '{}') as {
  host: string;
  sources: string[];
  count: number;
  concurrency: number;
};
const TIMEOUT_MS = 5000;
const closeMs: number[] = [];
let refused = 0;
let timedOut = 0;
let started = 0;

function one(i: number): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = net.connect({ host: o.host, port: 179, localAddress: o.sources[i % o.sources.length] });
    const timer = setTimeout(() => {
      timedOut++;
      s.destroy();
    }, TIMEOUT_MS);
    s.on('connect', () => s.write(randomBytes(1 + (i % 4096))));
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') refused++;
    });
    s.on('close', () => {
      clearTimeout(timer);
      closeMs.push(performance.now() - t0);
      resolve();
    });
    s.resume();
  });
}

async function worker(): Promise<void> {
  while (started < o.count) await one(started++);
}

const t0 = performance.now();
await Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, worker));
closeMs.sort((a, b) => a - b);
const q = (p: number) => closeMs[Math.min(closeMs.length - 1, Math.floor(p * closeMs.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({
    event: 'done',
    connections: closeMs.length,
    refused,
    timedOut,
    seconds: (performance.now() - t0) / 1000,
    closeMs: { p50: q(0.5), p99: q(0.99), max: closeMs[closeMs.length - 1] ?? 0 },
  })}\n`,
);
process.exit(0);
