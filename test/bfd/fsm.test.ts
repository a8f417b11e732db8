// The pure RFC 5880 state machine: the §6.8.6 state table (every local state × received state),
// then the rules behind timers, discriminators, the Poll Sequence, the passive role and
// authentication one at a time. States are reached by driving events, never built by hand.
import { describe, expect, it } from 'vitest';
import {
  detectionTime,
  initialState,
  outgoingPacket,
  SLOW_TX_INTERVAL,
  step,
  transmitInterval,
} from '../../src/bfd/fsm.js';
import type { BfdAction, BfdEvent, BfdFsmConfig, BfdFsmState } from '../../src/bfd/fsm-types.js';
import type { ControlPacket } from '../../src/bfd/packet.js';
import { BfdAuthType, BfdDiag, type BfdState } from '../../src/bfd/registry.js';

const LOCAL = 0x11111111;
const REMOTE = 0x22222222;
const CONFIG: BfdFsmConfig = {
  desiredMinTx: 300_000,
  requiredMinRx: 300_000,
  detectMult: 3,
  passive: false,
  authType: 0,
};
const cfg = (over: Partial<BfdFsmConfig> = {}): BfdFsmConfig => ({ ...CONFIG, ...over });

const packet = (over: Partial<ControlPacket> = {}): ControlPacket => ({
  diag: 0,
  state: 'Down',
  poll: false,
  final: false,
  cpi: false,
  demand: false,
  detectMult: 3,
  myDiscr: REMOTE,
  yourDiscr: 0,
  desiredMinTx: 1_000_000,
  requiredMinRx: 300_000,
  requiredMinEchoRx: 0,
  ...over,
});
const rx = (over: Partial<ControlPacket> = {}, authentic = false): BfdEvent => ({
  type: 'received',
  packet: packet(over),
  authentic,
});

function drive(events: BfdEvent[], config = CONFIG): { state: BfdFsmState; actions: readonly BfdAction[] } {
  let state = initialState(LOCAL, config);
  let actions: readonly BfdAction[] = [];
  for (const e of events) ({ state, actions } = step(state, e, config));
  return { state, actions };
}

const START: BfdEvent = { type: 'start' };
const TO_INIT = [START, rx({ state: 'Down' })];
const TO_UP = [...TO_INIT, rx({ state: 'Up', yourDiscr: LOCAL })];
const TO_ADMIN_DOWN: BfdEvent[] = [START, { type: 'adminDown' }];
const PATHS: Record<BfdState, BfdEvent[]> = {
  AdminDown: TO_ADMIN_DOWN,
  Down: [START],
  Init: TO_INIT,
  Up: TO_UP,
};

const stateChanges = (actions: readonly BfdAction[]) => actions.filter((a) => a.type === 'stateChange');
const sends = (actions: readonly BfdAction[]) => actions.filter((a) => a.type === 'send');
const timer = (actions: readonly BfdAction[], name: 'detect' | 'authSeq') =>
  actions.find((a) => a.type === 'startTimer' && a.timer === name) as { us: number } | undefined;

describe('RFC 5880 §6.8.6 state table: local state × received state', () => {
  const N = BfdDiag.NONE;
  const NSD = BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN;
  const cases: Array<[BfdState, BfdState, BfdState, number | null]> = [
    // local, received, next, diag on a change (null: no change)
    ['Down', 'AdminDown', 'Down', null],
    ['Down', 'Down', 'Init', N],
    ['Down', 'Init', 'Up', N],
    ['Down', 'Up', 'Down', null],
    ['Init', 'AdminDown', 'Down', NSD],
    ['Init', 'Down', 'Init', null],
    ['Init', 'Init', 'Up', N],
    ['Init', 'Up', 'Up', N],
    ['Up', 'AdminDown', 'Down', NSD],
    ['Up', 'Down', 'Down', NSD],
    ['Up', 'Init', 'Up', null],
    ['Up', 'Up', 'Up', null],
    ['AdminDown', 'AdminDown', 'AdminDown', null],
    ['AdminDown', 'Down', 'AdminDown', null],
    ['AdminDown', 'Init', 'AdminDown', null],
    ['AdminDown', 'Up', 'AdminDown', null],
  ];
  it.each(cases)('%s receiving %s → %s (diag %s)', (local, received, next, diag) => {
    const before = drive(PATHS[local]).state;
    expect(before.state).toBe(local);
    const yourDiscr = received === 'Down' || received === 'AdminDown' ? 0 : LOCAL;
    const { state, actions } = step(before, rx({ state: received, yourDiscr }), CONFIG);
    expect(state.state).toBe(next);
    const changes = stateChanges(actions);
    if (diag === null) expect(changes).toEqual([]);
    else {
      expect(changes).toEqual([{ type: 'stateChange', from: local, to: next, diag }]);
      expect(state.localDiag).toBe(diag);
      // A state change goes out at once (not at the next 1 s slot).
      expect(sends(actions).length).toBe(1);
    }
  });

  it('AdminDown discards what it receives but still learns the remote variables', () => {
    const { state, actions } = step(
      drive(TO_ADMIN_DOWN).state,
      rx({ state: 'Up', yourDiscr: LOCAL }),
      CONFIG,
    );
    expect(actions).toContainEqual({ type: 'discard', reason: 'adminDown' });
    expect(timer(actions, 'detect')).toBeUndefined();
    expect(state.remoteDiscr).toBe(REMOTE);
  });
});

describe('RFC 5880 §6.8.1 initial values', () => {
  it('starts Down with RemoteDiscr 0 and RemoteMinRxInterval 1', () => {
    const s = initialState(LOCAL, CONFIG);
    expect(s).toMatchObject({
      state: 'Down',
      remoteDiscr: 0,
      remoteMinRx: 1,
      localDiag: 0,
      authSeqKnown: false,
    });
  });
  it('refuses a zero local discriminator', () => {
    expect(() => initialState(0, CONFIG)).toThrow(RangeError);
  });
});

describe('discriminators', () => {
  it('learns bfd.RemoteDiscr from My Discriminator and sends it as Your Discriminator', () => {
    const { state } = drive(TO_INIT);
    expect(state.remoteDiscr).toBe(REMOTE);
    expect(outgoingPacket(state, CONFIG, false)).toMatchObject({
      myDiscr: LOCAL,
      yourDiscr: REMOTE,
      state: 'Init',
    });
  });
  it('discards a packet whose Your Discriminator is not ours', () => {
    const { state, actions } = step(drive(TO_UP).state, rx({ state: 'Down', yourDiscr: 0x33 }), CONFIG);
    expect(state.state).toBe('Up');
    expect(actions).toEqual([{ type: 'discard', reason: 'yourDiscriminator' }]);
  });
  it('forgets bfd.RemoteDiscr when the detection time passes (§6.8.1)', () => {
    const { state } = drive([...TO_INIT, { type: 'timerExpired', timer: 'detect' }]);
    expect(state.remoteDiscr).toBe(0);
  });
});

describe('RFC 5880 §6.8.4 detection time', () => {
  it('is the remote Detect Mult × max(RequiredMinRx, remote Desired Min TX), re-armed by every packet', () => {
    const { actions } = drive(TO_INIT);
    expect(timer(actions, 'detect')?.us).toBe(3 * 1_000_000); // the peer's 1 s slow rate
    const up = drive([...TO_UP, rx({ state: 'Up', yourDiscr: LOCAL, desiredMinTx: 200_000, detectMult: 5 })]);
    expect(timer(up.actions, 'detect')?.us).toBe(5 * 300_000);
    expect(detectionTime(up.state)).toBe(1_500_000);
  });
  it.each<BfdState>(['Init', 'Up'])(
    'expiry in %s: Down with diag 1 (Control Detection Time Expired)',
    (from) => {
      const { state, actions } = step(
        drive(PATHS[from]).state,
        { type: 'timerExpired', timer: 'detect' },
        CONFIG,
      );
      expect(state.state).toBe('Down');
      expect(stateChanges(actions)).toEqual([
        { type: 'stateChange', from, to: 'Down', diag: BfdDiag.CONTROL_DETECTION_TIME_EXPIRED },
      ]);
    },
  );
  it('expiry in Down changes no state', () => {
    const { actions } = step(drive([START]).state, { type: 'timerExpired', timer: 'detect' }, CONFIG);
    expect(stateChanges(actions)).toEqual([]);
  });
});

describe('RFC 5880 §6.8.3 / §6.8.7 transmission interval', () => {
  it('sends at no less than 1 s while not Up', () => {
    const { state } = drive(TO_INIT);
    expect(state.desiredMinTx).toBe(SLOW_TX_INTERVAL);
    expect(transmitInterval(state, CONFIG)).toBe(SLOW_TX_INTERVAL);
  });
  it('uses max(DesiredMinTx, RemoteMinRx) once Up and the Poll Sequence is done', () => {
    const up = drive([...TO_UP, rx({ state: 'Up', yourDiscr: LOCAL, final: true, requiredMinRx: 500_000 })]);
    expect(up.state.polling).toBe(false);
    expect(transmitInterval(up.state, CONFIG)).toBe(500_000);
  });
  it('stops periodic transmission when the peer asks for Required Min RX 0', () => {
    const { state, actions } = step(
      drive(TO_UP).state,
      rx({ state: 'Up', yourDiscr: LOCAL, requiredMinRx: 0 }),
      CONFIG,
    );
    expect(transmitInterval(state, CONFIG)).toBeNull();
    expect(actions).toContainEqual({ type: 'transmit', interval: null });
  });
  it('honours the peer’s Demand mode once both are Up and no Poll runs', () => {
    const done = drive([...TO_UP, rx({ state: 'Up', yourDiscr: LOCAL, final: true })]).state;
    const { state } = step(done, rx({ state: 'Up', yourDiscr: LOCAL, demand: true }), CONFIG);
    expect(transmitInterval(state, CONFIG)).toBeNull();
  });
  it('start asks for the first packet at once', () => {
    const { actions } = drive([START]);
    expect(actions).toEqual([
      { type: 'transmit', interval: SLOW_TX_INTERVAL },
      { type: 'send', final: false },
    ]);
  });
});

describe('RFC 5880 §6.5 Poll Sequence', () => {
  it('coming Up polls for the change from the slow rate; the Final completes it', () => {
    const up = drive(TO_UP);
    expect(up.state.polling).toBe(true);
    expect(up.state.desiredMinTx).toBe(300_000);
    expect(outgoingPacket(up.state, CONFIG, false).poll).toBe(true);
    // A decrease of the transmit interval is used at once.
    expect(up.state.txInUse).toBe(300_000);
    const { state, actions } = step(up.state, rx({ state: 'Up', yourDiscr: LOCAL, final: true }), CONFIG);
    expect(state.polling).toBe(false);
    expect(actions).toContainEqual({ type: 'pollComplete' });
  });
  it('answers a Poll with a Final (P clear, F set) at once', () => {
    const { state, actions } = step(
      drive(TO_UP).state,
      rx({ state: 'Up', yourDiscr: LOCAL, poll: true }),
      CONFIG,
    );
    expect(sends(actions)).toEqual([{ type: 'send', final: true }]);
    expect(outgoingPacket(state, CONFIG, true)).toMatchObject({ final: true, poll: false });
  });
  it('a larger DesiredMinTx waits for the Final; a smaller RequiredMinRx keeps the old detection time until then', () => {
    const done = drive([
      ...TO_UP,
      rx({ state: 'Up', yourDiscr: LOCAL, final: true, desiredMinTx: 100_000 }),
    ]).state;
    const slower = cfg({ desiredMinTx: 600_000, requiredMinRx: 100_000 });
    const { state, actions } = step(done, { type: 'configChanged' }, slower);
    expect(state.polling).toBe(true);
    expect(state.state).toBe('Up');
    expect(sends(actions)).toEqual([{ type: 'send', final: false }]);
    expect(outgoingPacket(state, slower, false)).toMatchObject({
      poll: true,
      desiredMinTx: 600_000,
      requiredMinRx: 100_000,
    });
    expect(state.txInUse).toBe(300_000);
    expect(state.rxInUse).toBe(300_000);
    const fin = step(
      state,
      rx({ state: 'Up', yourDiscr: LOCAL, final: true, desiredMinTx: 100_000 }),
      slower,
    );
    expect(fin.state).toMatchObject({ polling: false, txInUse: 600_000, rxInUse: 100_000 });
    expect(timer(fin.actions, 'detect')?.us).toBe(3 * 100_000);
  });
  it('a larger RequiredMinRx lengthens the detection time at once', () => {
    const done = drive([
      ...TO_UP,
      rx({ state: 'Up', yourDiscr: LOCAL, final: true, desiredMinTx: 100_000 }),
    ]).state;
    const { state, actions } = step(done, { type: 'configChanged' }, cfg({ requiredMinRx: 900_000 }));
    expect(state.rxInUse).toBe(900_000);
    expect(timer(actions, 'detect')?.us).toBe(3 * 900_000);
  });
  it('values changed during a Poll are polled again after its Final', () => {
    const up = drive(TO_UP).state;
    const second = cfg({ desiredMinTx: 200_000 });
    const mid = step(up, { type: 'configChanged' }, second).state;
    expect(mid.polled).toEqual({ tx: 300_000, rx: 300_000 });
    const { state } = step(mid, rx({ state: 'Up', yourDiscr: LOCAL, final: true }), second);
    expect(state.polling).toBe(true);
    expect(state.polled).toEqual({ tx: 200_000, rx: 300_000 });
  });
  it('leaving Up ends the Poll and returns to the slow rate', () => {
    const { state } = step(drive(TO_UP).state, rx({ state: 'Down' }), CONFIG);
    expect(state).toMatchObject({ state: 'Down', polling: false, desiredMinTx: SLOW_TX_INTERVAL });
  });
});

describe('RFC 5880 §6.1 passive role', () => {
  const passive = cfg({ passive: true });
  it('sends nothing until the peer’s discriminator is known', () => {
    const { actions } = drive([START], passive);
    expect(actions).toEqual([{ type: 'transmit', interval: null }]);
  });
  it('starts transmitting after the first packet', () => {
    const { actions } = drive([START, rx({ state: 'Down' })], passive);
    expect(actions).toContainEqual({ type: 'transmit', interval: SLOW_TX_INTERVAL });
    expect(sends(actions).length).toBe(1);
  });
});

describe('RFC 5880 §6.8.16 administrative control', () => {
  it('AdminDown tells the peer with diag 7 and stops detection; AdminUp returns to Down', () => {
    const { state, actions } = step(drive(TO_UP).state, { type: 'adminDown' }, CONFIG);
    expect(state.state).toBe('AdminDown');
    expect(stateChanges(actions)).toEqual([
      { type: 'stateChange', from: 'Up', to: 'AdminDown', diag: BfdDiag.ADMINISTRATIVELY_DOWN },
    ]);
    expect(actions).toContainEqual({ type: 'stopTimer', timer: 'detect' });
    expect(outgoingPacket(state, CONFIG, false)).toMatchObject({ state: 'AdminDown', diag: 7 });
    expect(step(state, { type: 'adminUp' }, CONFIG).state.state).toBe('Down');
  });
});

describe('RFC 5880 §6.7 / §6.8.6 authentication', () => {
  const md5 = cfg({ authType: BfdAuthType.KEYED_MD5 });
  const meticulous = cfg({ authType: BfdAuthType.METICULOUS_KEYED_SHA1 });
  const digest = (type: 2 | 3 | 4 | 5, sequence: number) => ({
    type,
    keyId: 1,
    sequence,
    digest: Buffer.alloc(16),
  });

  it('discards a packet with the A bit when no authentication is configured', () => {
    const { actions } = drive([START, rx({ auth: digest(2, 1) }, true)]);
    expect(actions).toEqual([{ type: 'discard', reason: 'authUnexpected' }]);
  });
  it('discards a packet without the A bit when authentication is configured', () => {
    const { actions } = drive([START, rx()], md5);
    expect(actions).toEqual([{ type: 'discard', reason: 'authMissing' }]);
  });
  it('discards a packet whose digest did not match', () => {
    const { actions } = drive([START, rx({ auth: digest(2, 1) }, false)], md5);
    expect(actions).toEqual([{ type: 'discard', reason: 'authFailed' }]);
  });
  it('discards a packet of another Auth Type', () => {
    const { actions } = drive([START, rx({ auth: digest(4, 1) }, true)], md5);
    expect(actions).toEqual([{ type: 'discard', reason: 'authFailed' }]);
  });
  it('learns bfd.RcvAuthSeq from the first authentic packet and arms the 2 × detection time reset', () => {
    const { state, actions } = drive([START, rx({ auth: digest(2, 1000) }, true)], md5);
    expect(state).toMatchObject({ authSeqKnown: true, rcvAuthSeq: 1000, state: 'Init' });
    expect(timer(actions, 'authSeq')?.us).toBe(2 * 3 * 1_000_000);
  });
  it('Keyed: accepts RcvAuthSeq .. RcvAuthSeq + 3 × Detect Mult, discards outside', () => {
    const base = drive([START, rx({ auth: digest(2, 1000) }, true)], md5).state;
    expect(step(base, rx({ auth: digest(2, 1000) }, true), md5).actions).not.toContainEqual(
      expect.objectContaining({ type: 'discard' }),
    );
    expect(step(base, rx({ auth: digest(2, 1009) }, true), md5).state.rcvAuthSeq).toBe(1009);
    expect(step(base, rx({ auth: digest(2, 1010) }, true), md5).actions).toEqual([
      { type: 'discard', reason: 'authSequence' },
    ]);
    expect(step(base, rx({ auth: digest(2, 999) }, true), md5).actions).toEqual([
      { type: 'discard', reason: 'authSequence' },
    ]);
  });
  it('Meticulous: the same sequence number again is a replay; the window wraps at 2^32', () => {
    const base = drive([START, rx({ auth: digest(5, 0xffffffff) }, true)], meticulous).state;
    expect(step(base, rx({ auth: digest(5, 0xffffffff) }, true), meticulous).actions).toEqual([
      { type: 'discard', reason: 'authSequence' },
    ]);
    expect(step(base, rx({ auth: digest(5, 0) }, true), meticulous).state.rcvAuthSeq).toBe(0);
  });
  it('forgets bfd.AuthSeqKnown when the authSeq timer fires, so a restarted peer is accepted', () => {
    const base = drive([START, rx({ auth: digest(2, 1000) }, true)], md5).state;
    const forgot = step(base, { type: 'timerExpired', timer: 'authSeq' }, md5).state;
    expect(forgot.authSeqKnown).toBe(false);
    expect(step(forgot, rx({ auth: digest(2, 5) }, true), md5).state.rcvAuthSeq).toBe(5);
  });
  it('simple password has no sequence number', () => {
    const simple = cfg({ authType: BfdAuthType.SIMPLE_PASSWORD });
    const { state, actions } = drive(
      [START, rx({ auth: { type: 1, keyId: 1, password: Buffer.from('x') } }, true)],
      simple,
    );
    expect(state.state).toBe('Init');
    expect(state.authSeqKnown).toBe(false);
    expect(timer(actions, 'authSeq')).toBeUndefined();
  });
});
