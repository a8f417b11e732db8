// The pure RFC 4271 §8 FSM: every state × event cell, then the rules behind them one at a time.
// States are reached by driving events from initialState, never built by hand.
import { describe, expect, it } from 'vitest';
import { initialState, OPEN_HOLD_TIME, step } from '../../src/session/fsm.js';
import type {
  FsmAction,
  FsmConfig,
  FsmEvent,
  FsmState,
  SessionState,
  TimerName,
} from '../../src/session/fsm-types.js';
import type { LocalSettings } from '../../src/session/negotiate.js';
import {
  CeaseSubcode,
  cease,
  ErrorCode,
  FsmSubcode,
  Notification,
  type OpenMessage,
} from '../../src/wire/index.js';

const LOCAL: LocalSettings = {
  localAsn: 65001,
  bgpId: '10.0.0.1',
  peerAsns: [65002],
  holdTime: 90,
  keepalive: 30,
  capabilities: [{ kind: 'as4', asn: 65001 }],
};
const CONFIG: FsmConfig = {
  local: LOCAL,
  passive: false,
  delayOpen: 0,
  connectRetry: 5,
  connectRetryMax: 40,
  idleHold: 10,
  idleHoldMax: 80,
  stableTime: 60,
};
const config = (over: Partial<FsmConfig> = {}, local: Partial<LocalSettings> = {}): FsmConfig => ({
  ...CONFIG,
  ...over,
  local: { ...LOCAL, ...local },
});

const peerOpen = (over: Partial<OpenMessage> = {}, asn = 65002): OpenMessage => ({
  version: 4,
  myAsn: asn,
  holdTime: 90,
  bgpId: '10.0.0.2',
  capabilities: [{ kind: 'as4', asn }],
  ...over,
});

const BAD_LENGTH = new Notification(ErrorCode.MESSAGE_HEADER, 2);
const RESET = cease(CeaseSubcode.ADMINISTRATIVE_RESET);
const timerEvent = (timer: TimerName): FsmEvent => ({ type: 'timerExpired', timer });
const EVENTS = {
  start: { type: 'start' },
  stop: { type: 'stop', notification: cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN) },
  connectRetry: timerEvent('connectRetry'),
  hold: timerEvent('hold'),
  keepalive: timerEvent('keepalive'),
  delayOpen: timerEvent('delayOpen'),
  idleHold: timerEvent('idleHold'),
  stable: timerEvent('stable'),
  tcpConnected: { type: 'tcpConnected' },
  tcpFailed: { type: 'tcpFailed' },
  openOk: { type: 'openReceived', open: peerOpen() },
  /** Unacceptable: wrong peer AS (Bad Peer AS, 2/2). */
  openBad: { type: 'openReceived', open: peerOpen({}, 65099) },
  /** A header error (Bad Message Length, 1/2) found by the framer. */
  messageError: { type: 'messageError', notification: BAD_LENGTH },
  notificationReceived: { type: 'notificationReceived', notification: RESET },
  keepaliveReceived: { type: 'keepaliveReceived' },
  updateReceived: { type: 'updateReceived' },
  collisionDump: { type: 'collisionDump' },
} satisfies Record<string, FsmEvent>;
type EventName = keyof typeof EVENTS;

/** Applies events in order from `s`, returning the last result and every action along the way. */
function run(s: FsmState, events: readonly (EventName | FsmEvent)[], cfg = CONFIG) {
  const all: FsmAction[] = [];
  let actions: readonly FsmAction[] = [];
  for (const e of events) {
    ({ state: s, actions } = step(s, typeof e === 'string' ? EVENTS[e] : e, cfg));
    all.push(...actions);
  }
  return { state: s, actions, all };
}

/** How each state is reached from initialState (active side, no DelayOpen). */
const PATH: Record<SessionState, EventName[]> = {
  Idle: [],
  Connect: ['start'],
  Active: ['start', 'tcpFailed'],
  OpenSent: ['start', 'tcpConnected'],
  OpenConfirm: ['start', 'tcpConnected', 'openOk'],
  Established: ['start', 'tcpConnected', 'openOk', 'keepaliveReceived'],
};
function reach(target: SessionState, cfg = CONFIG): FsmState {
  const { state } = run(initialState(cfg), PATH[target], cfg);
  expect(state.state).toBe(target);
  return state;
}

/** A short name per action: `notify:6/7`, `start:hold`, `down:collision:wasEstablished`, ... */
function tag(a: FsmAction): string {
  switch (a.type) {
    case 'sendNotification':
      return `notify:${a.notification.code}/${a.notification.subcode}`;
    case 'startTimer':
      return `start:${a.timer}`;
    case 'stopTimer':
      return `stop:${a.timer}`;
    case 'down':
      return `down:${a.reason.kind}${a.wasEstablished ? ':wasEstablished' : ''}`;
    default:
      return a.type;
  }
}
/** The actions that matter, in order (stopping timers that may not run is housekeeping). */
const keyTags = (actions: readonly FsmAction[]) => actions.map(tag).filter((t) => !t.startsWith('stop:'));
const seconds = (actions: readonly FsmAction[], timer: TimerName) =>
  actions.flatMap((a) => (a.type === 'startTimer' && a.timer === timer ? [a.seconds] : []));
const stopsTimer = (actions: readonly FsmAction[], timer: TimerName) =>
  actions.some((a) => a.type === 'stopTimer' && a.timer === timer);
const notifications = (actions: readonly FsmAction[]) =>
  actions.flatMap((a) => (a.type === 'sendNotification' ? [a.notification] : []));
/** [code, subcode] of each NOTIFICATION sent. */
const codes = (actions: readonly FsmAction[]) => notifications(actions).map((n) => [n.code, n.subcode]);
const downs = (actions: readonly FsmAction[]) => actions.filter((a) => a.type === 'down');

// The matrix: every state × event. "RFC says / we do" where we differ.

/** [next state, key actions (space-separated tags), the rule]. */
type Cell = readonly [SessionState, string, string];
const EVENT_NAMES = Object.keys(EVENTS) as EventName[];
const every = (c: Cell) => Object.fromEntries(EVENT_NAMES.map((e) => [e, c])) as Record<EventName, Cell>;
const STALE = 'stale timer, not running here: ignored (RFC: FSM error; we stop timers on exit)';
const DAMP = '§8.1.1 DampPeerOscillations: IdleHoldTimer before the automatic restart';
const toIdle = (pre: string, rule: string, down = ''): Cell => [
  'Idle',
  `${pre} close ${down} start:idleHold`.replace(/ +/g, ' ').trim(),
  `${rule}; ${DAMP}`,
];

const IDLE: Record<EventName, Cell> = {
  ...every(['Idle', '', '§8.2.2 Idle: any other event "does not change state"']),
  start: ['Connect', 'start:connectRetry connect', '§8.2.2 Idle ManualStart: initiate TCP'],
  stop: ['Idle', '', '§8.2.2 Idle: "ManualStop ... ignored"'],
  idleHold: ['Idle', '', '§8.1.1: IdleHoldTimer restarts only a peer not stopped'],
  tcpConnected: ['Idle', 'close', '§8.2.2 Idle: an incoming connection is refused'],
};

/** Connect and Active (no DelayOpen: no OPEN can be expected yet). */
function waiting(s: 'Connect' | 'Active'): Record<EventName, Cell> {
  const fsm0 = toIdle('notify:5/0', `§8.2.2 ${s} "any other event" → Idle; RFC 6608 subcode 0`);
  return {
    ...every([s, '', `${s}: ${STALE}`]),
    start: [s, '', `§8.2.2 ${s}: ManualStart ignored`],
    stop: ['Idle', 'close', `§8.2.2 ${s} ManualStop: no NOTIFICATION, no restart`],
    connectRetry: ['Connect', 'close start:connectRetry connect', `§8.2.2 ${s} ConnectRetryTimer_Expires`],
    delayOpen: [s, '', 'DelayOpenTimer not running: ignored'],
    tcpConnected: ['OpenSent', 'sendOpen start:hold', `§8.2.2 ${s} TCP up, DelayOpen FALSE: OPEN sent`],
    tcpFailed: ['Active', 'close start:connectRetry', `§8.2.2 ${s} TcpConnectionFails: RFC Idle, we Active`],
    openOk: fsm0,
    openBad: fsm0,
    messageError: toIdle('notify:1/2', `§8.2.2 ${s} BGPHeaderErr (SendNOTIFICATIONwithoutOPEN)`),
    notificationReceived: toIdle('', `§8.2.2 ${s} NotifMsg → Idle`),
    keepaliveReceived: fsm0,
    updateReceived: fsm0,
    collisionDump: toIdle('notify:6/7', '§6.8: the connection closed gets a Cease'),
  };
}

/** OpenSent, OpenConfirm and Established share the error handling; `down` is emitted on leaving. */
function opening(s: 'OpenSent' | 'OpenConfirm' | 'Established', subcode: 1 | 2 | 3): Record<EventName, Cell> {
  const est = s === 'Established' ? ':wasEstablished' : '';
  const unexpected = `RFC 6608 "Receive Unexpected Message in ${s} State"`;
  const fsmError = toIdle(`notify:5/${subcode}`, unexpected, `down:notificationSent${est}`);
  return {
    ...every([s, '', `§8.2.2 ${s}: ${STALE}`]),
    start: [s, '', `§8.2.2 ${s}: ManualStart ignored`],
    stop: ['Idle', `notify:6/2 close down:stopped${est}`, `§8.2.2 ${s} ManualStop: sends a Cease`],
    hold: toIdle('notify:4/0', `§6.5 ${s}: Hold Timer Expired, close`, `down:holdTimerExpired${est}`),
    tcpConnected: fsmError,
    tcpFailed: toIdle('', `§8.2.2 ${s} TcpConnectionFails → Idle`, `down:connectionLost${est}`),
    openOk: fsmError,
    openBad: fsmError,
    messageError: toIdle('notify:1/2', `§8.2.2 ${s} BGPHeaderErr`, `down:notificationSent${est}`),
    notificationReceived: toIdle('', `§8.2.2 ${s} NotifMsg`, `down:notificationReceived${est}`),
    keepaliveReceived: fsmError,
    updateReceived: fsmError,
    collisionDump: toIdle('notify:6/7', '§6.8 OpenCollisionDump: Cease (6/7)', `down:collision${est}`),
  };
}

const MATRIX: Record<SessionState, Record<EventName, Cell>> = {
  Idle: IDLE,
  Connect: waiting('Connect'),
  Active: waiting('Active'),
  OpenSent: {
    ...opening('OpenSent', 1),
    tcpFailed: [
      'Active',
      'close down:connectionLost start:connectRetry',
      '§8.2.2 OpenSent TcpConnectionFails',
    ],
    openOk: ['OpenConfirm', 'sendKeepalive start:hold start:keepalive', '§8.2.2 OpenSent BGPOpen'],
    openBad: toIdle('notify:2/2', '§6.2 OPEN Message Error/Bad Peer AS', 'down:notificationSent'),
  },
  OpenConfirm: {
    ...opening('OpenConfirm', 2),
    keepalive: ['OpenConfirm', 'sendKeepalive start:keepalive', '§8.2.2 OpenConfirm KeepaliveTimer_Expires'],
    keepaliveReceived: [
      'Established',
      'start:hold start:stable established',
      '§8.2.2 OpenConfirm KeepAliveMsg',
    ],
  },
  Established: {
    ...opening('Established', 3),
    keepalive: ['Established', 'sendKeepalive start:keepalive', '§8.2.2 Established KeepaliveTimer_Expires'],
    stable: ['Established', '', '§8.1.1 DampPeerOscillations: up long enough, damping reset'],
    keepaliveReceived: ['Established', 'start:hold', '§8.2.2 Established KeepAliveMsg: restarts HoldTimer'],
    updateReceived: ['Established', 'start:hold', '§8.2.2 Established UpdateMsg: restarts HoldTimer'],
  },
};

const CELLS = Object.entries(MATRIX).flatMap(([from, row]) =>
  Object.entries(row).map(([event, [to, tags, rule]]) => {
    const cell = { from: from as SessionState, event: event as EventName, to };
    return { ...cell, tags: tags ? tags.split(' ') : [], rule };
  }),
);

describe('FSM matrix: every state × event', () => {
  it('covers 6 states × 17 events', () => expect(CELLS).toHaveLength(6 * 17));

  for (const { from, event, to, tags, rule } of CELLS) {
    it(`${from} + ${event} → ${to} [${tags.join(', ')}]: ${rule}`, () => {
      const { state, actions } = step(reach(from), EVENTS[event], CONFIG);
      expect(state.state).toBe(to);
      expect(keyTags(actions)).toEqual(tags);
    });
  }

  it('`down` exactly when leaving OpenSent/OpenConfirm/Established, wasEstablished iff from Established', () => {
    const open = (s: SessionState) => s === 'OpenSent' || s === 'OpenConfirm' || s === 'Established';
    for (const { from, event, to } of CELLS) {
      const d = downs(step(reach(from), EVENTS[event], CONFIG).actions);
      expect(d, `${from} + ${event}`).toHaveLength(open(from) && !open(to) ? 1 : 0);
      for (const a of d) expect(a.wasEstablished, `${from} + ${event}`).toBe(from === 'Established');
    }
  });
});

describe('RFC 4271 §8.2.2 Idle: start', () => {
  it('active start: ConnectRetryTimer (jittered, §10) and a connection attempt, → Connect', () => {
    const { state, actions } = run(initialState(CONFIG), ['start']);
    expect(state).toMatchObject({ state: 'Connect', stopped: false });
    expect(actions).toContainEqual({ type: 'startTimer', timer: 'connectRetry', seconds: 5, jitter: true });
    expect(actions).toContainEqual({ type: 'connect' });
  });

  it('passive start (PassiveTcpEstablishment): no connection attempt, → Active and wait', () => {
    const cfg = config({ passive: true });
    const { state, actions } = run(initialState(cfg), ['start'], cfg);
    expect(state.state).toBe('Active');
    expect(keyTags(actions)).toEqual([]);
    expect(run(state, ['connectRetry'], cfg)).toMatchObject({ state: { state: 'Active' }, actions: [] });
    expect(run(state, ['tcpConnected'], cfg).state.state).toBe('OpenSent');
    // A failed passive connection goes back to waiting, with no retry timer.
    expect(keyTags(run(state, ['tcpConnected', 'tcpFailed'], cfg).actions)).toEqual([
      'close',
      'down:connectionLost',
    ]);
  });

  it('incoming connection in Idle is closed and the state kept', () => {
    for (const s of [initialState(CONFIG), run(reach('Established'), ['tcpFailed']).state]) {
      expect(step(s, EVENTS.tcpConnected, CONFIG)).toEqual({ state: s, actions: [{ type: 'close' }] });
    }
  });
});

describe('RFC 4271 §8.2.2 DelayOpen', () => {
  const cfg = config({ delayOpen: 5 });
  it.each(['Connect', 'Active'] as const)('%s: TCP up starts the DelayOpenTimer, no OPEN yet', (s) => {
    const { state, actions } = run(reach(s, cfg), ['tcpConnected'], cfg);
    expect(state).toMatchObject({ state: s, delayOpenRunning: true });
    expect(actions).toEqual([
      { type: 'stopTimer', timer: 'connectRetry' },
      { type: 'startTimer', timer: 'delayOpen', seconds: 5, jitter: false },
    ]);
  });

  it('DelayOpenTimer_Expires: "sends an OPEN message ... sets the HoldTimer to a large value", → OpenSent', () => {
    const { state, actions } = run(reach('Connect', cfg), ['tcpConnected', 'delayOpen'], cfg);
    expect(state).toMatchObject({ state: 'OpenSent', delayOpenRunning: false });
    expect(actions).toEqual([
      { type: 'sendOpen' },
      { type: 'startTimer', timer: 'hold', seconds: 240, jitter: false },
    ]);
  });

  it.each(['Connect', 'Active'] as const)(
    '%s: BGPOpen while DelayOpenTimer runs: our OPEN + KEEPALIVE, → OpenConfirm',
    (s) => {
      const { state, actions } = run(reach(s, cfg), ['tcpConnected', 'openOk'], cfg);
      expect(state).toMatchObject({ state: 'OpenConfirm', delayOpenRunning: false });
      expect(stopsTimer(actions, 'delayOpen') && stopsTimer(actions, 'connectRetry')).toBe(true);
      expect(keyTags(actions)).toEqual(['sendOpen', 'sendKeepalive', 'start:hold', 'start:keepalive']);
      expect(state.session?.holdTime).toBe(90);
    },
  );

  it('unacceptable OPEN while DelayOpenTimer runs: NOTIFICATION, no `down` (never reached OpenSent)', () => {
    const { state, actions } = run(reach('Connect', cfg), ['tcpConnected', 'openBad'], cfg);
    expect(state.state).toBe('Idle');
    expect(keyTags(actions)).toEqual(['notify:2/2', 'close', 'start:idleHold']);
  });

  it('TcpConnectionFails while DelayOpenTimer runs: stops it, → Active', () => {
    const { state, actions } = run(reach('Connect', cfg), ['tcpConnected', 'tcpFailed'], cfg);
    expect(state).toMatchObject({ state: 'Active', delayOpenRunning: false });
    expect(stopsTimer(actions, 'delayOpen')).toBe(true);
  });
});

describe('RFC 4271 §4.2/§4.4 hold time in the FSM', () => {
  const confirm = (open: OpenMessage, local: Partial<LocalSettings> = {}) => {
    const cfg = config({}, local);
    return run(reach('OpenSent', cfg), [{ type: 'openReceived', open }], cfg);
  };

  it(`OpenSent: "4 minutes is suggested" for the HoldTimer (${OPEN_HOLD_TIME} s)`, () => {
    expect(OPEN_HOLD_TIME).toBe(240);
    expect(seconds(run(initialState(CONFIG), ['start', 'tcpConnected']).actions, 'hold')).toEqual([240]);
  });

  it('the smaller of both hold times; keepalive a third of it', () => {
    const { state, actions } = confirm(peerOpen({ holdTime: 30 }));
    expect(seconds(actions, 'hold')).toEqual([30]);
    expect(seconds(actions, 'keepalive')).toEqual([10]);
    expect(state.session).toMatchObject({ holdTime: 30, keepalive: 10 });
  });

  it('keepalive = min(configured, hold/3)', () => {
    const keepalive = (holdTime: number, configured: number) =>
      seconds(confirm(peerOpen({ holdTime }), { keepalive: configured }).actions, 'keepalive');
    expect(keepalive(180, 60)).toEqual([30]);
    expect(keepalive(90, 10)).toEqual([10]);
  });

  it('hold time 0 disables the HoldTimer and KeepaliveTimer, also in Established', () => {
    const { state, actions } = confirm(peerOpen({ holdTime: 0 }));
    expect(seconds(actions, 'hold')).toEqual([]);
    expect(seconds(actions, 'keepalive')).toEqual([]);
    expect(stopsTimer(actions, 'hold') && stopsTimer(actions, 'keepalive')).toBe(true);
    const est = run(state, ['keepaliveReceived']);
    expect(est.state.state).toBe('Established');
    expect(keyTags(est.actions)).toEqual(['start:stable', 'established']);
    expect(run(est.state, ['updateReceived', 'keepaliveReceived']).all).toEqual([]);
  });

  it.each(['OpenSent', 'OpenConfirm', 'Established'] as const)(
    '§6.5 %s: hold expiry sends Hold Timer Expired (4) and closes',
    (s) => {
      const { state, actions } = run(reach(s), ['hold']);
      expect(state.state).toBe('Idle');
      expect(codes(actions)).toEqual([[ErrorCode.HOLD_TIMER_EXPIRED, 0]]);
      expect(actions).toContainEqual({ type: 'close' });
      expect(downs(actions)).toEqual([
        { type: 'down', reason: { kind: 'holdTimerExpired' }, wasEstablished: s === 'Established' },
      ]);
    },
  );
});

describe('RFC 6608 FSM error subcodes', () => {
  it.each([
    ['OpenSent', FsmSubcode.UNEXPECTED_IN_OPENSENT, 'keepaliveReceived'],
    ['OpenSent', FsmSubcode.UNEXPECTED_IN_OPENSENT, 'updateReceived'],
    ['OpenConfirm', FsmSubcode.UNEXPECTED_IN_OPENCONFIRM, 'openOk'],
    ['OpenConfirm', FsmSubcode.UNEXPECTED_IN_OPENCONFIRM, 'updateReceived'],
    ['Established', FsmSubcode.UNEXPECTED_IN_ESTABLISHED, 'openOk'],
    ['Connect', FsmSubcode.UNSPECIFIED, 'updateReceived'],
    ['Active', FsmSubcode.UNSPECIFIED, 'keepaliveReceived'],
  ] as const)('%s: "Receive Unexpected Message" subcode %i (on %s)', (s, subcode, event) => {
    const { actions } = run(reach(s), [event]);
    expect(codes(actions)).toEqual([[ErrorCode.FSM, subcode]]);
  });
});

describe('RFC 4271 §8.2.2 ManualStop', () => {
  it.each(['OpenSent', 'OpenConfirm', 'Established'] as const)(
    '%s: "sends the NOTIFICATION with a Cease" given by the operator',
    (s) => {
      const { state, actions } = run(reach(s), ['stop']);
      expect(notifications(actions)).toEqual([EVENTS.stop.notification]);
      expect(downs(actions)).toEqual([
        {
          type: 'down',
          reason: { kind: 'stopped', notification: EVENTS.stop.notification },
          wasEstablished: s === 'Established',
        },
      ]);
      expect(state).toMatchObject({ state: 'Idle', stopped: true });
    },
  );

  it.each(['Connect', 'Active'] as const)('%s: no NOTIFICATION (no session yet)', (s) => {
    expect(notifications(run(reach(s), ['stop']).actions)).toEqual([]);
  });

  it.each(['Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'] as const)(
    '%s: no automatic restart after stop',
    (s) => {
      const { state, all } = run(reach(s), ['stop', 'idleHold', 'connectRetry']);
      expect(state).toMatchObject({ state: 'Idle', stopped: true });
      expect(seconds(all, 'idleHold')).toEqual([]);
      expect(all.some((a) => a.type === 'connect')).toBe(false);
    },
  );

  it('Idle with an automatic restart pending: stop cancels the IdleHoldTimer', () => {
    const flapped = run(reach('Established'), ['tcpFailed']).state;
    expect(flapped.stopped).toBe(false);
    const { state, actions } = run(flapped, ['stop']);
    expect(state.stopped).toBe(true);
    expect(stopsTimer(actions, 'idleHold')).toBe(true);
    expect(run(state, ['idleHold']).state.state).toBe('Idle');
  });

  it('"sets the ConnectRetryCounter to zero": a start after stop retries from the first interval', () => {
    const { state } = run(reach('Active'), ['connectRetry', 'tcpFailed', 'stop']);
    expect(state.connectRetryCounter).toBe(0);
    expect(seconds(run(state, ['start']).actions, 'connectRetry')).toEqual([5]);
  });
});

describe('ConnectRetryTimer backoff', () => {
  it('doubles per failed attempt up to connectRetryMax', () => {
    let s = reach('Connect');
    const intervals: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = run(s, ['tcpFailed', 'connectRetry']);
      intervals.push(...seconds(r.all, 'connectRetry').slice(0, 1));
      s = r.state;
    }
    expect(intervals).toEqual([10, 20, 40, 40, 40]);
  });

  it('Established resets the ConnectRetryCounter', () => {
    const retries: EventName[] = ['tcpFailed', 'connectRetry', 'tcpFailed', 'connectRetry'];
    const s = run(reach('Connect'), [...retries, ...PATH.Established.slice(1)]).state;
    expect(s.connectRetryCounter).toBe(0);
    // The flap itself counts as one failure: 10 s, not 40 s.
    expect(seconds(run(s, ['tcpFailed', 'idleHold']).actions, 'connectRetry')).toEqual([10]);
  });
});

describe('RFC 4271 §8.1.1 DampPeerOscillations (IdleHoldTimer)', () => {
  const SESSION: EventName[] = ['tcpConnected', 'openOk', 'keepaliveReceived'];
  /** One flap: Established → Idle by a lost connection, then the automatic restart; the IdleHoldTimer used. */
  function flap(s: FsmState): { state: FsmState; idleHold: number } {
    const down = run(s, ['tcpFailed']);
    expect(down.state.state).toBe('Idle');
    const [idleHold] = seconds(down.actions, 'idleHold');
    const up = run(down.state, ['idleHold', ...SESSION]);
    expect(up.state.state).toBe('Established');
    return { state: up.state, idleHold };
  }

  it('IdleHoldTimer doubles per flap up to idleHoldMax', () => {
    let s = reach('Established');
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) ({ state: s, idleHold: waits[i] } = flap(s));
    expect(waits).toEqual([10, 20, 40, 80, 80]);
  });

  it('the `stable` timer started on Established resets the damping when it fires', () => {
    const est = run(initialState(CONFIG), PATH.Established);
    expect(est.actions).toContainEqual({ type: 'startTimer', timer: 'stable', seconds: 60, jitter: false });
    let s = flap(flap(est.state).state).state;
    expect(s.idleHold).toBe(40);
    s = run(s, ['stable']).state;
    expect(flap(s).idleHold).toBe(10);
  });

  it('`stable` firing outside Established changes nothing; leaving Established stops it', () => {
    expect(stopsTimer(run(reach('Established'), ['tcpFailed']).actions, 'stable')).toBe(true);
    const s = run(reach('Established'), ['tcpFailed', 'idleHold', 'tcpConnected']).state;
    expect(run(s, ['stable']).state).toEqual(s);
  });

  it('the automatic restart is §8.2.2 AutomaticStart: → Connect with a connection attempt', () => {
    const { actions, state } = run(reach('OpenSent'), ['updateReceived', 'idleHold']);
    expect(state.state).toBe('Connect');
    expect(actions).toContainEqual({ type: 'connect' });
  });
});

describe('`down` action', () => {
  it.each([
    ['OpenConfirm', 'notificationReceived', { kind: 'notificationReceived', notification: RESET }],
    ['Established', 'messageError', { kind: 'notificationSent', notification: BAD_LENGTH }],
    ['Established', 'tcpFailed', { kind: 'connectionLost' }],
    ['OpenSent', 'collisionDump', { kind: 'collision' }],
  ] as const)('%s + %s: reason %o', (s, event, reason) => {
    expect(downs(run(reach(s), [event]).actions)).toEqual([
      { type: 'down', reason, wasEstablished: s === 'Established' },
    ]);
  });

  it('Established: the `established` action carries the negotiated session', () => {
    const { actions, state } = run(reach('OpenConfirm'), ['keepaliveReceived']);
    expect(actions).toContainEqual({ type: 'established', session: state.session });
    expect(state.session?.peerAsn).toBe(65002);
  });
});

describe('RFC 4271 §6.8 collision resolution', () => {
  it.each(['OpenSent', 'OpenConfirm', 'Established'] as const)(
    '%s: collisionDump sends Cease/Connection Collision Resolution (6/7)',
    (s) => {
      const { state, actions } = run(reach(s), ['collisionDump']);
      expect(codes(actions)).toEqual([[ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION]]);
      expect(state.state).toBe('Idle');
      expect(state.stopped).toBe(false);
    },
  );
});
