// Runs inside the peer namespace: a BGP speaker that completes the OPEN exchange with Herald and
// then hangs — it stops reading (so its TCP receive window fills and Herald's writes stall) and
// sends nothing more. Prints one JSON line per event: established, then closed when TCP ends.
//
//   node --import tsx stall.agent.ts '{"local":"10.0.0.100","host":"10.0.0.1","asn":65001,"holdTime":9}'
import net from 'node:net';
import {
  encodeOpen,
  Framer,
  KEEPALIVE,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MessageType,
} from '../../src/wire/index.js';
import { speakerOpen } from '../../test/adversarial/raw-speaker.js';

const o = JSON.parse(process.argv[2] ?? '{}') as { local: string; host: string; asn: number; holdTime: number };
const say = (event: string, extra: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, at: Date.now(), ...extra })}\n`);
};

const socket = net.connect({ host: o.host, port: 179, localAddress: o.local });
const framer = new Framer(MAX_EXTENDED_MESSAGE_LENGTH);
let received = 0;
socket.on('connect', () => {
  socket.write(encodeOpen(speakerOpen({ asn: o.asn, bgpId: o.local, holdTime: o.holdTime, as4: true })));
});
socket.on('data', (d: Buffer) => {
  received += d.length;
  framer.push(Buffer.from(d));
  for (let f = framer.next(); f; f = framer.next()) {
    if (f.type === MessageType.OPEN) socket.write(KEEPALIVE);
    if (f.type === MessageType.KEEPALIVE) {
      socket.pause(); // from here on nothing is read: the receive window fills
      say('established', { received });
      return;
    }
  }
});
socket.on('close', () => {
  say('closed');
  process.exit(0);
});
socket.on('error', (e) => say('error', { message: e.message }));
// A socket that is not reading holds no active libuv handle: keep the process (and so the
// connection, with its unread bytes) alive until told to stop.
setInterval(() => {}, 1000);
process.on('SIGTERM', () => process.exit(0));
