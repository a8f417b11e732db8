// The network the adversarial suite runs in: Herald (the real bin/herald) in namespace A, and in
// namespace B a well-behaved BIRD peer plus the relay agent through which the test's raw speaker
// reaches Herald. Every hostile row gets its own source address and neighbor entry (passive, both
// unicast families), so a row that resets its session never meets the IdleHoldTimer damping of an
// earlier row and one daemon serves the whole table.
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { encodeUpdate, type PathAttributes, type Prefix } from '../../src/wire/index.js';
import { type HeraldInstance, type HeraldNeighborView, startHerald } from '../interop/harness/herald.js';
import type { LinkTopology, RunningPeer, useTopology } from '../interop/harness/index.js';
import { Fatal, startBird, waitFor } from '../interop/harness/index.js';
import { p, seq } from '../wire/vectors/common.js';
import { RawSpeaker } from './raw-speaker.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const RELAY = join(HERE, 'relay.agent.ts');

export const HERALD_ASN = 65201;
export const BIRD_ASN = 65002;
/** The route BIRD announces to Herald and the one Herald announces to BIRD. */
export const BIRD_ROUTE = '203.0.113.0/24';
export const HERALD_ROUTE = '198.51.100.1/32';
/** Announced after a hostile message: once Herald holds it, the message before it was processed. */
export const SYNC_PREFIX = '192.0.2.128/25';

export interface HostileNeighbor {
  readonly asn: number;
  readonly addPath?: 'receive';
}

export interface Lab {
  readonly t: LinkTopology;
  readonly herald: HeraldInstance;
  readonly bird: RunningPeer;
  readonly relay: string;
  /** Source address of hostile neighbor `i`. */
  address(i: number): string;
  connect(i: number, opts?: { split?: boolean }): Promise<RawSpeaker>;
  routesOf(address: string): Promise<string[]>;
  waitRoutes(address: string, present: readonly string[], absent?: readonly string[]): Promise<void>;
  /** BIRD's session: Established, with `flaps` from Herald's view. */
  goodSession(): Promise<{ state: string; flaps: number }>;
  /** Log entries Herald wrote for neighbor `address` with event `event`. */
  logsOf(address: string, event: string): Array<Record<string, unknown>>;
}

const FIRST_HOST = 100;

/** Starts the lab; `hostile[i]` is the neighbor entry for hostile row i. */
export async function startLab(
  topo: ReturnType<typeof useTopology>,
  hostile: HostileNeighbor[],
): Promise<Lab> {
  if (hostile.length > 150) throw new Error('at most 150 hostile neighbors (10.0.0.100–249)');
  const t = await topo.link();
  const address = (i: number) => `10.0.0.${FIRST_HOST + i}`;
  await t.exec(t.b.ns, 'ip', ['-batch', '-'], {
    input: hostile.map((_, i) => `addr add ${address(i)}/24 dev ${t.b.ifname}\n`).join(''),
  });

  // Linux coalesces small writes queued behind unsent data (autocorking); the byte-by-byte row
  // needs one segment per write.
  await t.exec(t.b.ns, 'sysctl', ['-qw', 'net.ipv4.tcp_autocorking=0']);
  // And it merges writes queued behind a full congestion window: with one octet per segment the
  // initial window (10 segments) fills whenever Herald's ACKs lag (a loaded machine), so the route
  // to Herald gets a window that the whole session fits in.
  await t.exec(t.b.ns, 'ip', ['route', 'replace', `${t.a.ipv4}/32`, 'dev', t.b.ifname, 'initcwnd', '1000']);
  const relayDir = t.workDir('relay');
  const relay = join(relayDir, 'relay.sock');
  const agent = t.spawn(t.b.ns, process.execPath, ['--import', 'tsx', RELAY, relay], {
    cwd: join(HERE, '..', '..'),
  });

  const bird = await startBird({
    ns: t.b.ns,
    routerId: t.b.ipv4,
    asn: BIRD_ASN,
    localAddress: t.b.ipv4,
    neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN }],
    routes: [{ prefix: BIRD_ROUTE, nextHop: t.b.ipv4 }],
  });
  const herald = await startHerald(t, t.a.ns, {
    asn: HERALD_ASN,
    routerId: t.a.ipv4,
    listen: { address: t.a.ipv4, port: 179 },
    neighbors: [
      { address: t.b.ipv4, peerAsn: BIRD_ASN, passive: true, holdTime: 9 },
      ...hostile.map((h, i) => ({
        address: address(i),
        peerAsn: h.asn,
        passive: true,
        families: ['ipv4-unicast', 'ipv6-unicast'],
        ...(h.addPath ? { addPath: h.addPath } : {}),
      })),
    ],
    announce: [{ prefix: HERALD_ROUTE }],
  });
  await herald.waitState(t.b.ipv4, 'Established', 30_000);
  await waitFor(
    async () => (await bird.receivedRoutes('ipv4-unicast')).some((r) => r.prefix === HERALD_ROUTE),
    {
      timeoutMs: 15_000,
      what: 'BIRD receiving Herald’s route',
    },
  );
  await waitFor(
    () => {
      if (agent.exitCode !== null) throw new Fatal(`relay agent exited: ${agent.output()}`);
      return isListening(relay);
    },
    { timeoutMs: 20_000, intervalMs: 50, what: 'the relay agent' },
  );

  const routesOf = async (a: string) => (await herald.routes({ neighbor: a })).map((r) => r.prefix);
  return {
    t,
    herald,
    bird,
    relay,
    address,
    connect: (i, opts = {}) =>
      RawSpeaker.connect({ relay, local: address(i), host: t.a.ipv4, port: 179, split: opts.split }),
    routesOf,
    async waitRoutes(a, present, absent = []) {
      await waitFor(
        async () => {
          const have = new Set(await routesOf(a));
          return present.every((x) => have.has(x)) && absent.every((x) => !have.has(x));
        },
        {
          timeoutMs: 10_000,
          intervalMs: 25,
          what: `routes of ${a}: [${present}] present, [${absent}] absent`,
        },
      );
    },
    async goodSession() {
      const n = (await herald.neighbor(t.b.ipv4)) as HeraldNeighborView & { flaps: number };
      return { state: n.state, flaps: n.flaps };
    },
    logsOf: (a, event) => herald.logs().filter((l) => l.peer === a && l.event === event),
  };
}

function isListening(path: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** An UPDATE announcing `prefixes` with plain attributes (AS_PATH `asn`, next hop 192.0.2.1 / 2001:db8::1). */
export function announcement(prefixes: readonly string[], ctx: { as4: boolean }, asn = 65001): Buffer {
  const parsed = prefixes.map((x) => p(x));
  const v4: Prefix[] = parsed.filter((x) => x.afi === 1);
  const v6: Prefix[] = parsed.filter((x) => x.afi === 2);
  const attributes: PathAttributes = {
    origin: 0,
    asPath: [seq(asn)],
    ...(v4.length ? { nextHop: '192.0.2.1' } : {}),
    ...(v6.length ? { mpReach: { afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: v6 } } : {}),
  };
  return encodeUpdate(
    { withdrawn: [], attributes, nlri: v4 },
    { as4: ctx.as4, addPath: new Set(), maxMessageLength: 4096 },
  );
}

/** The good session is as it was: Established, no flap, and the daemon is running. */
export async function expectUndisturbed(lab: Lab, flapsBefore: number): Promise<void> {
  expect(lab.herald.process.exitCode, 'herald is running').toBeNull();
  expect(await lab.goodSession()).toEqual({ state: 'Established', flaps: flapsBefore });
}
