// A scripted BGP speaker for the adversarial suite: it connects to Herald through the relay agent
// (relay.agent.ts, inside the peer namespace), sends exactly the octets a test gives it — valid
// messages built with src/wire, or those bytes corrupted — and reads what Herald answers with the
// same codec (Framer, decodeOpen, decodeNotification). Every wait is bounded.
import net from 'node:net';
import {
  type Capability,
  decodeNotification,
  decodeOpen,
  encodeOpen,
  Framer,
  KEEPALIVE,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MessageType,
  myAsnField,
  type Notification,
  type OpenMessage,
} from '../../src/wire/index.js';

export interface RawConnection {
  /** Unix socket of the relay agent. */
  readonly relay: string;
  /** Source address (inside the peer namespace). */
  readonly local: string;
  readonly host: string;
  readonly port: number;
  /** One octet per TCP segment towards Herald. */
  readonly split?: boolean;
}

export interface SpeakerOpen {
  readonly asn: number;
  readonly bgpId: string;
  readonly holdTime?: number;
  /** Send the RFC 6793 capability (a 4-octet AS session). */
  readonly as4?: boolean;
  readonly capabilities?: readonly Capability[];
}

/** A message Herald sent: type and body (after the 19-octet header). */
export interface Received {
  readonly type: number;
  readonly body: Buffer;
}

const WAIT_MS = 10_000;

/** The OPEN a speaker sends: IPv4 and IPv6 unicast, route refresh, and 4-octet AS when asked. */
export function speakerOpen(o: SpeakerOpen): OpenMessage {
  const caps: Capability[] = [
    { kind: 'multiprotocol', afi: 1, safi: 1 },
    { kind: 'multiprotocol', afi: 2, safi: 1 },
    { kind: 'route-refresh' },
    ...(o.as4 ? [{ kind: 'as4', asn: o.asn } as const] : []),
    ...(o.capabilities ?? []),
  ];
  return {
    version: 4,
    myAsn: o.as4 ? myAsnField(o.asn) : o.asn,
    holdTime: o.holdTime ?? 90,
    bgpId: o.bgpId,
    capabilities: caps,
  };
}

export class RawSpeaker {
  /** Herald's messages, in order, once framed. */
  readonly received: Received[] = [];
  /** Octets Herald sent that do not frame (should stay empty). */
  framingError?: Error;
  private readonly framer = new Framer(MAX_EXTENDED_MESSAGE_LENGTH);
  private ended = false;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.framer.push(Buffer.from(d));
      try {
        for (let f = this.framer.next(); f; f = this.framer.next())
          this.received.push({ type: f.type, body: Buffer.from(f.body) });
      } catch (e) {
        this.framingError = e as Error;
      }
      this.wake();
    });
    const end = () => {
      this.ended = true;
      this.wake();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  static async connect(c: RawConnection): Promise<RawSpeaker> {
    const socket = net.connect(c.relay);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.write(`${JSON.stringify({ local: c.local, host: c.host, port: c.port, split: c.split })}\n`);
    return new RawSpeaker(socket);
  }

  /** True once the TCP connection is gone (Herald closed it, or the relay could not connect). */
  get closed(): boolean {
    return this.ended;
  }

  send(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (e) => (e ? reject(e) : resolve())));
  }

  /** Waits until `probe` returns a value (checked after every read), or fails after `ms`. */
  async until<T>(what: string, probe: () => T | undefined, ms = WAIT_MS): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`raw speaker: no ${what} within ${ms} ms (${this.describe()})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** The first message of `type` Herald sent after the first `from` messages. */
  async next(type: number, what: string, from = 0): Promise<Received> {
    return this.until(what, () => {
      const m = this.received.slice(from).find((r) => r.type === type);
      if (m) return m;
      if (this.ended) throw new Error(`raw speaker: connection closed before ${what} (${this.describe()})`);
      return undefined;
    });
  }

  /** The NOTIFICATION Herald sent, once the connection is closed after it. */
  async notification(): Promise<Notification> {
    const m = await this.until('NOTIFICATION and close', () => {
      const n = this.received.find((r) => r.type === MessageType.NOTIFICATION);
      return n && this.ended ? n : undefined;
    });
    return decodeNotification(m.body);
  }

  /** OPEN, Herald's OPEN, KEEPALIVE, Herald's KEEPALIVE: Established on both sides. */
  async handshake(open: OpenMessage): Promise<OpenMessage> {
    await this.send(encodeOpen(open));
    const theirs = await this.next(MessageType.OPEN, "Herald's OPEN");
    await this.send(KEEPALIVE);
    await this.next(MessageType.KEEPALIVE, "Herald's KEEPALIVE");
    return decodeOpen(theirs.body);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
    this.waiters.clear();
  }

  private describe(): string {
    const types = this.received.map((r) => r.type).join(',');
    return `received types [${types}], ${this.ended ? 'closed' : 'open'}`;
  }
}
