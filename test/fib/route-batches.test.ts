// RouteBatches with a socket that acknowledges when told: a route queued again while its message is
// in flight (parked), then forgotten when that message's ack arrives, is not queued again — its id
// may already name another route.
import { describe, expect, it } from 'vitest';
import { RouteBatches } from '../../src/fib/route-batches.js';
import { RouteTable } from '../../src/fib/route-table.js';
import type { NetlinkSocket } from '../../src/sys/netlink-socket.js';

/** A request socket whose acks come when `ackAll()` is called. */
function fakeSocket() {
  const waiting: Array<() => void> = [];
  const socket = {
    sending: 0,
    receiveNow: () => {},
    sendRequest: (_buf: Buffer, _len: number, done: (err: Error | undefined, errors: never[]) => void) =>
      void waiting.push(() => done(undefined, [])),
  };
  const ackAll = () => {
    for (const ack of waiting.splice(0)) ack();
  };
  return { socket: socket as unknown as NetlinkSocket, ackAll };
}

describe('RouteBatches', () => {
  it('does not queue again a parked route forgotten when its in-flight message is acknowledged', async () => {
    const routes = new RouteTable();
    const group = routes.groupId(4, 254, 20, 24);
    const { socket, ackAll } = fakeSocket();
    const written: number[] = [];
    let forgetOnAck = true;
    const batches = new RouteBatches(
      {
        socket: () => socket,
        paused: () => false,
        current: (id) => routes.isCurrent(id),
        write: (w, id, batch) => {
          written.push(id);
          w.u32(16); // any message: the fake socket reads nothing
          w.u32(0);
          w.u32(0);
          w.u32(0);
          batch.routes.push(id);
          batch.signatures.push(undefined);
        },
        applied: (batch) => {
          for (const id of batch.routes) if (forgetOnAck && !batches.dirty.has(id)) routes.forget(id);
        },
        requestFailed: () => {},
      },
      routes,
      // One route per datagram: a route touched while its message is in flight goes out at once (parked).
      { datagramBytes: 16 },
    );
    const a = routes.add(group, 0x0a000000, 'old', false);
    batches.touch(a);
    expect(written).toEqual([a]); // in flight, not yet acknowledged
    batches.touch(a); // changed again: taken at once, parked until the ack
    ackAll(); // `applied` forgets it; its id is free
    forgetOnAck = false;
    const b = routes.add(group, 0x0a000100, undefined, false);
    expect(b).toBe(a); // the id is reused at once
    batches.touch(b);
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      ackAll();
    }
    // The new route is written once: no stale copy of the old one's queue entry.
    expect(written).toEqual([a, b]);
    expect(batches.dirty.size).toBe(0);
  });
});
