// Child process for the test/fib namespace tests, started inside a network namespace with
// `ip netns exec NS node --import tsx test/fib/kernel-routes.agent.ts SOCKET_PATH` (through the
// interop harness's spawnIn, which tracks and kills it). It serves one JSON request per line on a
// Unix socket (a path in the topology's directory: reachable from outside the namespace) and
// answers one JSON line each: { id, ok, ...result } or { id, ok: false, message }.
//
// Ops: start/set/steps/delete/replaceAll/settled/sweep/stop/status/held/counts drive a KernelRoutes;
// `request` sends raw encoded route messages through a NetlinkSocket (the codec's kernel test);
// `loopDelay` reports event-loop delay measured since the last call; `crash` exits at once
// (no cleanup: what a crashed daemon leaves).

import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { type DesiredRoute, KernelRoutes, type KernelRoutesOptions } from '../../src/fib/index.js';
import { encodeRoute, MessageType, NetlinkWriter, type RouteSpec } from '../../src/fib/netlink/index.js';
import { NetlinkSocket } from '../../src/sys/netlink-socket.js';

type Request = { id: number; op: string } & Record<string, unknown>;

let routes: KernelRoutes | undefined;
const events: unknown[] = [];
const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
// A keepalive-style timer: how late does a 10 ms interval fire while routes are being installed?
let lastTick = performance.now();
let maxLate = 0;
setInterval(() => {
  const now = performance.now();
  maxLate = Math.max(maxLate, now - lastTick - 10);
  lastTick = now;
}, 10);

function need(): KernelRoutes {
  if (!routes) throw new Error('not started');
  return routes;
}

async function handle(req: Request): Promise<object> {
  switch (req.op) {
    case 'start': {
      routes = new KernelRoutes(req.opts as KernelRoutesOptions);
      routes.on('routeState', (s) => events.push({ event: 'routeState', ...s }));
      routes.on('resync', (r) => events.push({ event: 'resync', ...r }));
      routes.on('overrun', () => events.push({ event: 'overrun' }));
      routes.on('error', (e) => events.push({ event: 'error', message: e.message }));
      const t0 = performance.now();
      await routes.start();
      await routes.settled();
      return { ms: performance.now() - t0 };
    }
    case 'set': {
      const t0 = performance.now();
      for (const r of req.routes as DesiredRoute[]) need().set(r);
      await need().settled();
      return { ms: performance.now() - t0 };
    }
    case 'replaceAll': {
      const t0 = performance.now();
      need().replaceAll(req.routes as DesiredRoute[]);
      await need().settled();
      return { ms: performance.now() - t0 };
    }
    case 'steps': {
      // Changes made in one task, as a table being learned makes them: no ack is read in between.
      for (const step of req.steps as Array<{ set?: DesiredRoute[]; delete?: string[] }>) {
        for (const r of step.set ?? []) need().set(r);
        for (const p of step.delete ?? []) need().delete(p);
      }
      await need().settled();
      return { counts: need().counts() };
    }
    case 'delete': {
      for (const p of req.prefixes as string[])
        need().delete(p, req.table as number | undefined, req.metric as number | undefined);
      await need().settled();
      return {};
    }
    case 'settled':
      await need().settled();
      return {};
    case 'sweep':
      await need().sweep();
      return {};
    case 'stop':
      await need().stop({ keep: req.keep === true });
      routes = undefined;
      return {};
    case 'status':
      return {
        status:
          need().status(
            req.prefix as string,
            req.table as number | undefined,
            req.metric as number | undefined,
          ) ?? null,
      };
    case 'held':
      return { held: need().held() };
    case 'counts':
      return { counts: need().counts() };
    case 'events':
      return { events: events.splice(0) };
    case 'loopDelay': {
      const r = {
        maxMs: histogram.max / 1e6,
        p99Ms: histogram.percentile(99) / 1e6,
        timerMaxLateMs: maxLate,
      };
      histogram.reset();
      maxLate = 0;
      return r;
    }
    case 'request': {
      const sock = NetlinkSocket.open({});
      try {
        const w = new NetlinkWriter(Buffer.alloc(64 * 1024));
        for (const spec of req.routes as Array<{ type?: 'new' | 'del'; flags: number; route: RouteSpec }>) {
          encodeRoute(
            w,
            spec.type === 'del' ? MessageType.DELROUTE : MessageType.NEWROUTE,
            spec.flags,
            0,
            spec.route,
          );
        }
        return { errors: await sock.request(w.buf, w.pos) };
      } finally {
        await sock.close();
      }
    }
    case 'crash':
      process.exit(9);
  }
  throw new Error(`unknown op ${req.op}`);
}

const server = net.createServer((conn) => {
  const rl = createInterface({ input: conn });
  rl.on('line', (line) => {
    if (line.trim() === '') return;
    const req = JSON.parse(line) as Request;
    handle(req).then(
      (res) => conn.write(`${JSON.stringify({ id: req.id, ok: true, ...res })}\n`),
      (err: Error) =>
        conn.write(`${JSON.stringify({ id: req.id, ok: false, message: err.message, stack: err.stack })}\n`),
    );
  });
  conn.on('error', () => {});
});
server.listen(process.argv[2], () => process.stdout.write('ready\n'));
