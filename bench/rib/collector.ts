// An extra peer of the rib bench, run as a child process inside a namespace like the ingest
// bench's speaker (whose framing and handshake it uses): dials the receiver, brings the session
// up and counts the distinct IPv4 prefixes the receiver advertises (announced minus withdrawn).
//
//   node collector.js '<json CollectorArgs>'      (or a JSON array of them: several sessions in
//                                                  one process, each event tagged with its `peer`)
//
// Events on stdout as JSON lines with `t` = process.hrtime.bigint() (CLOCK_MONOTONIC ns):
// `connected`, `open`, `established`, `first` (first UPDATE), `full` (the first time `expected`
// prefixes are held), `progress` (every 500 ms while the count changes), and the speaker's
// failure events (`notification`, `closed`, `socket-error`, `failed`, `timeout`).
import { fileURLToPath } from 'node:url';
import { connect, emit, handshake, keepalives, type SpeakerArgs } from '../ingest/speaker.js';

export interface CollectorArgs
  extends Pick<
    SpeakerArgs,
    'address' | 'port' | 'localAddress' | 'asn' | 'bgpId' | 'holdTime' | 'connectTimeoutMs'
  > {
  /** Emit `full` when this many prefixes are held. */
  expected: number;
  /** Emit `update` with the prefixes held after every UPDATE (the propagation bench's clock). */
  updateEvents?: boolean;
  /** Added to the events of this session as `peer` (several sessions in one process). */
  peer?: number;
}

const ATTR_MP_REACH = 14;
const ATTR_MP_UNREACH = 15;

/** A prefix as one number: address × 64 + length (exact below 2^53). */
function walk(b: Buffer, start: number, end: number, held: Set<number>, add: boolean): void {
  for (let pos = start; pos < end; ) {
    const len = b[pos];
    const octets = (len + 7) >> 3;
    let addr = 0;
    for (let i = 0; i < 4; i++) addr = addr * 256 + (i < octets ? b[pos + 1 + i] : 0);
    const key = addr * 64 + len;
    if (add) held.add(key);
    else held.delete(key);
    pos += 1 + octets;
  }
}

async function collect(a: CollectorArgs): Promise<void> {
  const held = new Set<number>();
  let updates = 0;
  let full = false;
  let mp = 0;
  const tag = a.peer === undefined ? {} : { peer: a.peer };
  const sock = await connect(a);
  emit('connected', { ...tag, local: `${sock.localAddress}:${sock.localPort}` });
  const onUpdate = (body: Buffer): void => {
    if (updates++ === 0) emit('first', tag);
    const wl = body.readUInt16BE(0);
    const al = body.readUInt16BE(2 + wl);
    walk(body, 2, 2 + wl, held, false);
    for (let p = 4 + wl; p < 4 + wl + al; ) {
      const ext = body[p] & 0x10;
      const type = body[p + 1];
      if (type === ATTR_MP_REACH || type === ATTR_MP_UNREACH) mp++;
      p += ext ? 4 + body.readUInt16BE(p + 2) : 3 + body[p + 2];
    }
    walk(body, 4 + wl + al, body.length, held, true);
    if (a.updateEvents) emit('update', { ...tag, held: held.size });
    if (!full && held.size >= a.expected) {
      full = true;
      emit('full', { ...tag, held: held.size, updates });
    }
  };
  const { holdTime } = await handshake(sock, a, onUpdate);
  emit('established', { ...tag, holdTime });
  keepalives(sock, holdTime);
  let last = -1;
  setInterval(() => {
    if (held.size === last) return;
    last = held.size;
    emit('progress', { ...tag, held: held.size, updates, mpAttributes: mp });
  }, 500).unref();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const parsed = JSON.parse(process.argv[2] ?? '{}') as CollectorArgs | CollectorArgs[];
  const sessions = Array.isArray(parsed) ? parsed : [parsed];
  const timer = setTimeout(
    () => {
      emit('timeout');
      process.exit(3);
    },
    Math.max(...sessions.map((a) => a.connectTimeoutMs)),
  );
  timer.unref();
  Promise.all(sessions.map(collect)).then(
    () => clearTimeout(timer),
    (e: Error) => {
      emit('failed', { message: e.message });
      process.exit(1);
    },
  );
}
