// Events are written a few at a time from a bounded queue: thousands of services appearing at once
// must not open thousands of connections to the API server, and past the queue's bound an event is
// dropped with EventDropped (as client-go's broadcaster drops them), to be recorded again later.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeTarget } from '../../src/k8s/kube-config.js';
import {
  EVENTS_IN_FLIGHT,
  EVENTS_QUEUED,
  EventDropped,
  ServiceEvents,
} from '../../src/k8s/service-events.js';

/** An API server that holds every Event POST until `release()`, counting them as they arrive. */
async function holdingServer() {
  const held: ServerResponse[] = [];
  let arrived = 0;
  let maxOpen = 0;
  let open = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      arrived++;
      open++;
      maxOpen = Math.max(maxOpen, open);
      held.push(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const target: KubeTarget = {
    server: new URL(`http://127.0.0.1:${port}`),
    insecureSkipTlsVerify: false,
    token: () => undefined,
  };
  return {
    target,
    stats: () => ({ arrived, maxOpen, open }),
    /** Answers the held requests (and, from then on, every request at once). */
    release(): void {
      for (const res of held.splice(0)) {
        open--;
        res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
    server,
  };
}

const servers: Awaited<ReturnType<typeof holdingServer>>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.release();
    s.server.closeAllConnections();
    await s.close();
  }
});

const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
};

describe('ServiceEvents: a bounded writer', () => {
  it(`writes at most ${EVENTS_IN_FLIGHT} at once; the rest wait their turn, then all land`, async () => {
    const s = await holdingServer();
    servers.push(s);
    const events = new ServiceEvents(s.target, 'herald-speaker', 'node-1');
    const all = Array.from({ length: 40 }, (_, i) =>
      events.record({ namespace: 'default', name: `svc-${i}` }, 'Normal', 'nodeAssigned', 'announcing'),
    );
    await until('the first writes', () => s.stats().arrived === EVENTS_IN_FLIGHT);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.stats().arrived).toBe(EVENTS_IN_FLIGHT); // the others wait, no more connections
    const released = setInterval(() => s.release(), 5);
    await Promise.all(all);
    clearInterval(released);
    expect(s.stats()).toMatchObject({ arrived: 40, maxOpen: EVENTS_IN_FLIGHT });
  });

  it('past the queue an event is dropped (EventDropped) and recorded with the next attempt', async () => {
    const s = await holdingServer();
    servers.push(s);
    const events = new ServiceEvents(s.target, 'herald-speaker', 'node-1');
    const record = (i: number) =>
      events.record({ namespace: 'default', name: `svc-${i}` }, 'Normal', 'nodeAssigned', 'announcing');
    const accepted = Array.from({ length: EVENTS_IN_FLIGHT + EVENTS_QUEUED }, (_, i) => record(i));
    await until('the first writes', () => s.stats().arrived === EVENTS_IN_FLIGHT);
    const extra = EVENTS_IN_FLIGHT + EVENTS_QUEUED;
    await expect(record(extra)).rejects.toBeInstanceOf(EventDropped);
    const released = setInterval(() => s.release(), 2);
    await Promise.all(accepted);
    await record(extra); // not marked as recorded when dropped: written now
    clearInterval(released);
    expect(s.stats().arrived).toBe(extra + 1);
  });
});
