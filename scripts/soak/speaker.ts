// Raw BGP speakers for the soak, built on the adversarial suite's RawSpeaker (which connects through
// the relay agent in namespace B and frames Herald's answers with src/wire): a handshake helper,
// batches of /32 announcements and withdrawals, and a keepalive-gap watch.
import { type Lab, announcement } from '../../test/adversarial/lab.js';
import { RawSpeaker, speakerOpen } from '../../test/adversarial/raw-speaker.js';
import { waitFor } from '../../test/interop/harness/util.js';
import { decodeUpdate, encodeUpdate, formatPrefix, KEEPALIVE, MessageType, parsePrefix } from '../../src/wire/index.js';

/** Routes per UPDATE: 700 /32s (5 octets each) plus the attributes fit 4,096 octets. */
const PER_UPDATE = 700;

/** `count` /32s from `first` (dotted quad) upwards, as text. */
export function hostRoutes(first: string, count: number): string[] {
  const base = first.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = base + i;
    out.push(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/32`);
  }
  return out;
}

/** The UPDATEs announcing `routes` (AS_PATH `asn`, 4-octet AS session), concatenated. */
export function announceAll(routes: readonly string[], asn: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < routes.length; i += PER_UPDATE)
    parts.push(announcement(routes.slice(i, i + PER_UPDATE), { as4: true }, asn));
  return Buffer.concat(parts);
}

/** One UPDATE withdrawing `route`. */
export function withdrawal(route: string): Buffer {
  return encodeUpdate(
    { withdrawn: [parsePrefix(route)], attributes: {}, nlri: [] },
    { as4: true, addPath: new Set(), maxMessageLength: 4096 },
  );
}

/** The ASN of hostile neighbor `i` (what soak scenarios configure and speak). */
export const speakerAsn = (i: number): number => 65001 + i;

/**
 * Connects as hostile neighbor `i`, completes the OPEN exchange (4-octet AS) and then sends a
 * KEEPALIVE every holdTime/3 seconds until the connection closes (RawSpeaker itself sends nothing).
 */
export async function establish(lab: Lab, i: number, holdTime = 90): Promise<RawSpeaker> {
  const s = await lab.connect(i);
  try {
    await s.handshake(speakerOpen({ asn: speakerAsn(i), bgpId: lab.address(i), holdTime, as4: true }));
  } catch (e) {
    s.close();
    throw e;
  }
  const timer = setInterval(
    () => {
      if (s.closed) clearInterval(timer);
      else s.send(KEEPALIVE).catch(() => clearInterval(timer));
    },
    (holdTime * 1000) / 3,
  );
  timer.unref();
  return s;
}

/** Waits until Herald shows neighbor `address` in `state` holding `received` routes. */
export async function waitNeighbor(
  lab: Lab,
  address: string,
  want: { state?: string; received?: number; notState?: string },
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () => {
      const n = await lab.herald.neighbor(address);
      if (want.state !== undefined && n.state !== want.state) return false;
      if (want.notState !== undefined && n.state === want.notState) return false;
      if (want.received !== undefined && n.prefixes.received !== want.received) return false;
      return true;
    },
    { timeoutMs, intervalMs: 10, what: `${address} ${JSON.stringify(want)}` },
  );
}

/**
 * Times the KEEPALIVEs a speaker receives (stamped as each read is framed, by wrapping the
 * speaker's `received.push`): the largest gap between two is what "on time" is judged by.
 */
export class KeepaliveWatch {
  readonly stamps: number[] = [];
  private since = performance.now();

  constructor(speaker: RawSpeaker) {
    const list = speaker.received as Array<{ type: number }>;
    const push = list.push.bind(list);
    list.push = (...items) => {
      for (const m of items) if (m.type === MessageType.KEEPALIVE) this.stamps.push(performance.now());
      return push(...(items as never[]));
    };
  }

  /** Restarts the measurement window (e.g. once the load begins). */
  reset(): void {
    this.stamps.length = 0;
    this.since = performance.now();
  }

  /**
   * Largest time without a KEEPALIVE in the window, in seconds: from the reset to the first one,
   * between consecutive ones, and from the last one to now.
   */
  maxGap(): number {
    const points = [this.since, ...this.stamps, performance.now()];
    let max = 0;
    for (let i = 1; i < points.length; i++) max = Math.max(max, points[i] - points[i - 1]);
    return max / 1000;
  }
}

/**
 * Milliseconds until `speaker` receives an UPDATE announcing `prefix` (decoded with src/wire),
 * looking at messages from index `from` on; fails after `ms`.
 */
export async function updateLatency(speaker: RawSpeaker, prefix: string, from: number, ms = 10_000): Promise<number> {
  const t0 = performance.now();
  let seen = from;
  await speaker.until(`UPDATE with ${prefix}`, () => {
    for (; seen < speaker.received.length; seen++) {
      const m = speaker.received[seen];
      if (m.type !== MessageType.UPDATE) continue;
      const u = decodeUpdate(m.body, { as4: true, addPath: new Set(), maxMessageLength: 4096 });
      if (u.nlri.some((x) => formatPrefix(x) === prefix)) return true;
    }
    return undefined;
  }, ms);
  return performance.now() - t0;
}
