// The fan-in bench's peers: one child process inside a namespace holding many iBGP sessions, one
// per source address, with the ingest speaker's framing and handshake. Each session gets its own
// run of /24s (or, shared, the same run for all). Once every session is Established it reports
// `established`, waits for SIGUSR2, then writes every session's UPDATEs at once (`start`) and
// reports `written` when the last write was handed to the kernel.
//
//   node peers.js '<json FaninPeersArgs>'
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import { connect, emit, handshake, keepalives } from '../ingest/speaker.js';
import { announce } from '../lib/prefix-updates.js';

export interface FaninPeersArgs {
  /** The receiver. */
  address: string;
  port: number;
  /** One session from each of these addresses. */
  localAddresses: string[];
  asn: number;
  holdTime: number;
  routesPerPeer: number;
  /** Every peer announces the same prefixes (else peer i announces its own run). */
  shared: boolean;
  connectTimeoutMs: number;
}

async function session(a: FaninPeersArgs, localAddress: string): Promise<net.Socket> {
  const sock = await connect({ ...a, localAddress });
  const { holdTime } = await handshake(
    sock,
    { asn: a.asn, holdTime: a.holdTime, bgpId: localAddress },
    () => {},
  );
  keepalives(sock, holdTime);
  return sock;
}

async function run(a: FaninPeersArgs): Promise<void> {
  const socks = await Promise.all(a.localAddresses.map((l) => session(a, l)));
  const updates = a.localAddresses.map((l, i) =>
    announce(a.shared ? 0 : i * a.routesPerPeer, a.routesPerPeer, l),
  );
  emit('established', { sessions: socks.length, bytes: updates.reduce((s, u) => s + u.length, 0) });
  process.once('SIGUSR2', () => {
    emit('start');
    let left = socks.length;
    socks.forEach((s, i) => {
      s.write(updates[i], () => {
        if (--left === 0) emit('written');
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = JSON.parse(process.argv[2] ?? '{}') as FaninPeersArgs;
  const timer = setTimeout(() => {
    emit('timeout');
    process.exit(3);
  }, args.connectTimeoutMs);
  timer.unref();
  run(args).then(
    () => clearTimeout(timer),
    (e: Error) => {
      emit('failed', { message: e.message });
      process.exit(1);
    },
  );
}
