// The ingest bench's own minimal BGP speaker, run as a child process inside a namespace (node:net
// cannot pick a namespace per socket). Independent of src/ on purpose: it only frames messages.
//
//   node speaker.js '<json SpeakerArgs>'
//
// mode 'send': dials the receiver, exchanges OPEN/KEEPALIVE, reports `established`, waits for
//   SIGUSR2, then writes the file of pre-encoded UPDATE messages as fast as the socket takes them
//   (1 MiB writes at message boundaries, honouring write() backpressure), keeps the session up with
//   KEEPALIVEs and reads (and drops) whatever the receiver sends.
// mode 'sink': listens, answers the handshake like a receiver and counts UPDATE octets until the
//   whole file arrived: the speed of the sender plus the link, with no BGP work on the other side.
//
// Events go to stdout as JSON lines; `t` is process.hrtime.bigint() (CLOCK_MONOTONIC, comparable
// across processes) in nanoseconds, as a string.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export interface SpeakerArgs {
  mode: 'send' | 'sink';
  /** send: the receiver's address; sink: the address to listen on. */
  address: string;
  port: number;
  /** send: our source address. */
  localAddress?: string;
  asn: number;
  bgpId: string;
  holdTime: number;
  /** Concatenated UPDATE messages (marker, length, type, body). */
  file: string;
  /** send: further such files, each written on a further SIGUSR2 (events `start-N`, `written-N`). */
  more?: string[];
  /** Give up (exit 3) after this long without an established session. */
  connectTimeoutMs: number;
  /** send: report each KEEPALIVE the receiver sends once Established (event `keepalive`). */
  keepaliveEvents?: boolean;
}

const MARKER = Buffer.alloc(16, 0xff);
const CHUNK = 1 << 20;
export const now = (): string => process.hrtime.bigint().toString();
export const emit = (event: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, t: now(), ...fields })}\n`);
};

function message(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(19);
  MARKER.copy(head);
  head.writeUInt16BE(19 + body.length, 16);
  head[18] = type;
  return Buffer.concat([head, body]);
}

const KEEPALIVE = message(4, Buffer.alloc(0));

/** OPEN with MP ipv4/unicast, route refresh and 4-octet AS (RFC 4760, 2918, 6793). */
function open(asn: number, holdTime: number, bgpId: string): Buffer {
  const caps = Buffer.from([1, 4, 0, 1, 0, 1, 2, 0, 65, 4, 0, 0, 0, 0]);
  caps.writeUInt32BE(asn, 10);
  const body = Buffer.alloc(10 + 2 + caps.length);
  body[0] = 4;
  body.writeUInt16BE(asn > 0xffff ? 23456 : asn, 1);
  body.writeUInt16BE(holdTime, 3);
  bgpId.split('.').forEach((o, i) => {
    body[5 + i] = Number(o);
  });
  body[9] = 2 + caps.length;
  body[10] = 2; // capabilities
  body[11] = caps.length;
  caps.copy(body, 12);
  return message(1, body);
}

/** Splits a buffer of whole messages into views of about CHUNK octets, cut at message boundaries. */
function chunksOf(all: Buffer): { chunks: Buffer[]; messages: number } {
  const chunks: Buffer[] = [];
  let start = 0;
  let pos = 0;
  let messages = 0;
  while (pos < all.length) {
    const len = all.readUInt16BE(pos + 16);
    if (len < 19 || pos + len > all.length) throw new Error(`bad message at ${pos}`);
    if (pos + len - start > CHUNK && pos > start) {
      chunks.push(all.subarray(start, pos));
      start = pos;
    }
    pos += len;
    messages++;
  }
  if (pos > start) chunks.push(all.subarray(start, pos));
  return { chunks, messages };
}

/** Incremental framing of what the other side sends; calls `onMessage(type, body)`. */
function reader(onMessage: (type: number, body: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let pos = 0;
    while (pending.length - pos >= 19) {
      const len = pending.readUInt16BE(pos + 16);
      if (len < 19) throw new Error(`bad BGP length ${len}`);
      if (pending.length - pos < len) break;
      onMessage(pending[pos + 18], pending.subarray(pos + 19, pos + len));
      pos += len;
    }
    pending = pending.subarray(pos);
  };
}

function describeNotification(body: Buffer): Record<string, unknown> {
  return { code: body[0], subcode: body[1], data: body.subarray(2).toString('hex') };
}

/** Runs the handshake on `sock`; resolves once OPEN and KEEPALIVE were exchanged both ways. */
export function handshake(
  sock: net.Socket,
  a: Pick<SpeakerArgs, 'asn' | 'holdTime' | 'bgpId'>,
  onUpdate: (body: Buffer) => void,
  onKeepalive?: () => void,
): Promise<{ holdTime: number }> {
  return new Promise((resolve, reject) => {
    let holdTime = a.holdTime;
    let gotOpen = false;
    let up = false;
    const counts = { update: 0, keepalive: 0 };
    sock.on(
      'data',
      reader((type, body) => {
        switch (type) {
          case 1:
            gotOpen = true;
            holdTime = Math.min(a.holdTime, body.readUInt16BE(3));
            emit('open', {
              asn: body.readUInt16BE(1),
              holdTime: body.readUInt16BE(3),
              bgpId: [...body.subarray(5, 9)].join('.'),
            });
            sock.write(KEEPALIVE);
            return;
          case 4:
            counts.keepalive++;
            if (gotOpen && !up) {
              up = true;
              resolve({ holdTime });
            } else if (up) onKeepalive?.();
            return;
          case 3:
            emit('notification', describeNotification(body));
            reject(new Error('NOTIFICATION received'));
            process.exitCode = 2;
            sock.destroy();
            return;
          case 2:
            counts.update++;
            onUpdate(body);
            return;
        }
      }),
    );
    sock.on('close', () => {
      emit('closed', { received: counts });
      if (!up) reject(new Error('closed before Established'));
    });
    sock.on('error', (e) => emit('socket-error', { message: e.message }));
    sock.write(open(a.asn, a.holdTime, a.bgpId));
  });
}

export function keepalives(sock: net.Socket, holdTime: number): void {
  if (holdTime === 0) return;
  const t = setInterval(() => sock.write(KEEPALIVE), Math.max(1000, (holdTime * 1000) / 3));
  sock.once('close', () => clearInterval(t));
}

export function connect(
  a: Pick<SpeakerArgs, 'address' | 'port' | 'localAddress' | 'connectTimeoutMs'>,
): Promise<net.Socket> {
  const deadline = Date.now() + a.connectTimeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const s = net.connect({ host: a.address, port: a.port, localAddress: a.localAddress });
      s.setNoDelay(true);
      s.once('connect', () => {
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (e) => {
        s.destroy();
        if (Date.now() > deadline) reject(e);
        else setTimeout(attempt, 200);
      });
    };
    attempt();
  });
}

async function send(a: SpeakerArgs): Promise<void> {
  const files = [a.file, ...(a.more ?? [])].map((f) => readFileSync(f));
  const parts = files.map(chunksOf);
  emit('loaded', { bytes: files[0].length, messages: parts[0].messages, chunks: parts[0].chunks.length });
  let signals = 0; // SIGUSR2s so far: how many parts may have started
  let started = 0;
  let busy = true; // until Established, then while a part is being written
  let pumpNext = (): void => {};
  process.on('SIGUSR2', () => {
    signals++;
    pumpNext();
  });
  const sock = await connect(a);
  emit('connected', { local: `${sock.localAddress}:${sock.localPort}` });
  const { holdTime } = await handshake(
    sock,
    a,
    () => {},
    a.keepaliveEvents ? () => emit('keepalive') : undefined,
  );
  emit('established', { holdTime });
  keepalives(sock, holdTime);
  const pump = (n: number): void => {
    const tag = n === 0 ? '' : `-${n}`;
    const { chunks } = parts[n];
    emit(`start${tag}`);
    let i = 0;
    let drains = 0;
    const done = (): void => {
      emit(`written${tag}`, { bytes: files[n].length, drains });
      busy = false;
      pumpNext();
    };
    const next = (): void => {
      while (i < chunks.length) {
        const last = i === chunks.length - 1;
        const ok = sock.write(chunks[i++], last ? done : undefined);
        if (!ok) {
          drains++;
          sock.once('drain', next);
          return;
        }
      }
    };
    next();
  };
  pumpNext = () => {
    if (busy || started >= Math.min(signals, parts.length)) return;
    busy = true;
    pump(started++);
  };
  busy = false;
  pumpNext();
}

async function sink(a: SpeakerArgs): Promise<void> {
  const expected = readFileSync(a.file).length;
  const server = net.createServer((sock) => {
    server.close();
    let bytes = 0;
    let first: string | undefined;
    handshake(sock, a, (body) => {
      first ??= now();
      bytes += body.length + 19;
      if (bytes === expected) emit('sunk', { bytes, first });
    }).then(
      ({ holdTime }) => {
        emit('established', { holdTime });
        keepalives(sock, holdTime);
      },
      (e: Error) => emit('failed', { message: e.message }),
    );
  });
  server.listen({ host: a.address, port: a.port }, () => emit('listening'));
}

// Run as a program, not when a sibling imports the helpers above.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = JSON.parse(process.argv[2] ?? '{}') as SpeakerArgs;
  const timer = setTimeout(() => {
    emit('timeout');
    process.exit(3);
  }, args.connectTimeoutMs);
  timer.unref();
  (args.mode === 'sink' ? sink(args) : send(args)).then(
    () => clearTimeout(timer),
    (e: Error) => {
      emit('failed', { message: e.message });
      process.exit(1);
    },
  );
}
