// Two connected in-memory Duplex streams (Node 20 has no stream.duplexPair): what one side writes,
// the other reads. Ending or destroying one side closes the other, like a TCP connection.
import { Duplex } from 'node:stream';

export function duplexPair(): [Duplex, Duplex] {
  let a!: Duplex;
  let b!: Duplex;
  const make = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        const peer = other();
        if (!peer.destroyed) peer.push(Buffer.from(chunk));
        cb();
      },
      final(cb) {
        const peer = other();
        if (!peer.destroyed) peer.push(null);
        cb();
      },
      destroy(err, cb) {
        const peer = other();
        if (!peer.destroyed) peer.destroy();
        cb(err);
      },
    });
  a = make(() => b);
  b = make(() => a);
  return [a, b];
}

/** Lets streams deliver: runs the event loop until `done()` or `turns` iterations pass. */
export async function settle(done: () => boolean = () => false, turns = 200): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await new Promise((r) => setImmediate(r));
}
