// The driver over in-memory streams with a manual clock: two Herald drivers peer with each other.
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/session/clock.js';
import { CONNECT_RETRY_EXPIRED, SessionDriver } from '../../src/session/driver.js';
import { type FsmConfig, SessionState } from '../../src/session/fsm-types.js';
import {
  type Capability,
  CeaseSubcode,
  cease,
  codecContext,
  encodeUpdate,
  parsePrefix,
} from '../../src/wire/index.js';
import { duplexPair, settle } from '../helpers/duplex-pair.js';
import { testFsmConfig } from '../helpers/fsm-config.js';

function config(asn: number, peerAsn: number, bgpId: string, passive: boolean, holdTime = 90): FsmConfig {
  const capabilities: Capability[] = [
    { kind: 'multiprotocol', afi: 1, safi: 1 },
    { kind: 'route-refresh' },
    { kind: 'as4', asn },
  ];
  return testFsmConfig({ asn, peerAsn, bgpId, passive, holdTime, capabilities });
}

function pair(holdA = 90, holdB = 90) {
  const clock = new ManualClock();
  const [ea, eb] = duplexPair();
  let passiveSide!: SessionDriver;
  const active = new SessionDriver({
    config: config(65001, 65002, '10.0.0.1', false, holdA),
    clock,
    random: () => 1,
    dial: async (): Promise<Duplex> => {
      passiveSide.accept(eb);
      return ea;
    },
  });
  passiveSide = new SessionDriver({
    config: config(65002, 65001, '10.0.0.2', true, holdB),
    clock,
    random: () => 1,
  });
  return { clock, active, passive: passiveSide };
}

async function established(a: SessionDriver, b: SessionDriver): Promise<void> {
  b.start();
  a.start();
  await settle(() => a.state === SessionState.ESTABLISHED && b.state === SessionState.ESTABLISHED);
  expect([a.state, b.state]).toEqual(['Established', 'Established']);
}

/** One UPDATE announcing 10.1.0.0/16. */
function oneUpdate(): Buffer {
  return encodeUpdate(
    {
      withdrawn: [],
      nlri: [parsePrefix('10.1.0.0/16')],
      attributes: { origin: 0, asPath: [], nextHop: '10.0.0.1' },
    },
    codecContext({ as4: true }),
  );
}

function sendOneUpdate(d: SessionDriver): void {
  d.send(oneUpdate());
}

describe('SessionDriver', () => {
  it('two drivers reach Established and agree on the smaller hold time', async () => {
    const { active, passive } = pair(90, 30);
    await established(active, passive);
    expect(active.session!.holdTime).toBe(30);
    expect(active.session!.keepalive).toBe(10);
    expect(active.session!.peerAsn).toBe(65002);
    expect(active.sent.open).toBe(1);
    expect(passive.inbound).toBe(true);
  });

  it('delivers UPDATEs in Established and sends keepalives on the timer', async () => {
    const { clock, active, passive } = pair();
    const bodies: Buffer[] = [];
    passive.on('update', (b) => bodies.push(Buffer.from(b)));
    await established(active, passive);
    const msg = oneUpdate();
    active.send(msg);
    await settle(() => bodies.length > 0);
    expect(bodies[0]).toEqual(msg.subarray(19));
    const before = active.sent.keepalive;
    clock.advance(30_000);
    expect(active.sent.keepalive).toBe(before + 1);
  });

  it("says once when a read's UPDATEs were all handled, not after a read without one", async () => {
    const { clock, active, passive } = pair();
    const events: string[] = [];
    passive.on('update', () => events.push('update'));
    passive.on('updatesHandled', () => events.push('handled'));
    await established(active, passive);
    const msg = oneUpdate();
    active.send(Buffer.concat([msg, msg])); // one write: one read at the other end
    await settle(() => events.length >= 3);
    expect(events).toEqual(['update', 'update', 'handled']);
    const keepalives = passive.received.keepalive;
    clock.advance(30_000);
    await settle(() => passive.received.keepalive > keepalives);
    expect(events).toEqual(['update', 'update', 'handled']);
  });

  it('resets the session with the Notification an UPDATE handler throws', async () => {
    const { active, passive } = pair();
    const got: string[] = [];
    active.on('notificationReceived', (n) => got.push(`${n.code}/${n.subcode}`));
    passive.on('update', () => {
      throw cease(CeaseSubcode.MAX_PREFIXES);
    });
    await established(active, passive);
    sendOneUpdate(active);
    await settle(() => got.length > 0);
    expect(got).toEqual(['6/1']);
  });

  it('an unexpected error in a handler resets this session alone (UPDATE Message Error/Unspecific) and is reported', async () => {
    const { active, passive } = pair();
    const got: string[] = [];
    const internal: Error[] = [];
    active.on('notificationReceived', (n) => got.push(`${n.code}/${n.subcode}`));
    passive.on('internalError', (e) => internal.push(e));
    passive.on('update', () => {
      throw new RangeError('a bug of ours');
    });
    await established(active, passive);
    sendOneUpdate(active);
    await settle(() => got.length > 0);
    expect(got).toEqual(['3/0']);
    expect(internal.map((e) => e.message)).toEqual(['a bug of ours']);
    expect(passive.state).not.toBe(SessionState.ESTABLISHED);
  });

  it('stop sends Cease with the shutdown message; the peer goes down too', async () => {
    const { active, passive } = pair();
    const got: string[] = [];
    passive.on('notificationReceived', (n) => got.push(`${n.code}/${n.subcode}`));
    await established(active, passive);
    active.stop(cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, 'maintenance'));
    await settle(() => got.length > 0 && passive.state !== SessionState.ESTABLISHED);
    expect(got).toEqual(['6/2']);
    expect(active.state).toBe('Idle');
    expect(passive.state).toBe('Idle');
  });

  it('a silent peer is dropped by the hold timer', async () => {
    const { clock, active, passive } = pair(9, 9);
    const downs: string[] = [];
    active.on('down', (r) => downs.push(r.kind));
    await established(active, passive);
    // The passive side stops sending anything (its stream writes go nowhere).
    passive.send = () => true;
    (passive as unknown as { handle: () => void }).handle = () => {};
    clock.advance(9_000);
    expect(downs).toEqual(['holdTimerExpired']);
    expect(active.state).toBe('Idle');
  });

  it('UPDATEs alone keep the session up: each read of them restarts the hold timer (RFC 4271 §8.2.2)', async () => {
    const { clock, active, passive } = pair(9, 9);
    const downs: string[] = [];
    passive.on('down', (r) => downs.push(r.kind));
    let updates = 0;
    passive.on('update', () => updates++);
    await established(active, passive);
    // The active side sends UPDATEs but no more KEEPALIVEs (type 4 at octet 18).
    const send = active.send.bind(active);
    active.send = (m: Buffer, count?: number) => (m[18] === 4 ? true : send(m, count));
    clock.advance(6_000);
    sendOneUpdate(active);
    await settle(() => updates === 1);
    clock.advance(6_000); // 12 s since the last KEEPALIVE, 6 s since the UPDATE
    expect(passive.state).toBe('Established');
    clock.advance(3_000); // 9 s since the UPDATE
    expect(downs).toEqual(['holdTimerExpired']);
  });

  it('abandons a connect still pending when ConnectRetry expires (RFC 4271 §8.2.2) and says why', async () => {
    const clock = new ManualClock();
    const signals: AbortSignal[] = [];
    const failures: string[] = [];
    const driver = new SessionDriver({
      config: config(65001, 65002, '10.0.0.1', false),
      clock,
      random: () => 1,
      // A SYN nobody answers: the attempt ends only when aborted.
      dial: (signal) =>
        new Promise<Duplex>((_, reject) => {
          signals.push(signal);
          signal.addEventListener('abort', () => reject(new Error(`aborted: ${signal.reason}`)));
        }),
    });
    driver.on('connectFailed', (e: Error) => failures.push(e.message));
    driver.start();
    await settle();
    expect(signals).toHaveLength(1);
    clock.advance(5_000); // the first ConnectRetryTimer
    await settle();
    expect(signals).toHaveLength(2);
    expect(signals[0].reason).toBe(CONNECT_RETRY_EXPIRED);
    expect(signals[1].aborted).toBe(false);
    expect(driver.state).toBe('Connect');
    // The abandoned attempt is why nothing came up; a stop is not.
    expect(failures).toEqual([`aborted: ${CONNECT_RETRY_EXPIRED}`]);
    driver.dispose();
    await settle();
    expect(signals[1].aborted).toBe(true);
    expect(failures).toHaveLength(1);
  });
});
