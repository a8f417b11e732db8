// The RFC 4271 §8.2.2 finite state machine as a pure function: step(state, event, config) returns
// the next state and the actions for the driver. No I/O, no clock, no randomness.
//
// Where we follow common practice over the letter of the RFC it says "RFC says / we do".
import { CeaseSubcode, ErrorCode, FsmSubcode, Notification } from '../wire/index.js';
import {
  type DownReason,
  type FsmAction,
  type FsmConfig,
  type FsmEvent,
  type FsmState,
  SessionState,
  type StepResult,
  type TimerName,
} from './fsm-types.js';
import { negotiate } from './negotiate.js';

/** RFC 4271 §8.2.2: in OpenSent "the HoldTimer [is set] to a large value ... 4 minutes is suggested". */
export const OPEN_HOLD_TIME = 240;

export function initialState(config: FsmConfig): FsmState {
  return {
    state: SessionState.IDLE,
    connectRetryCounter: 0,
    idleHold: config.idleHold,
    stopped: true,
    delayOpenRunning: false,
  };
}

const timer = (name: TimerName, seconds: number, jitter = true): FsmAction => ({
  type: 'startTimer',
  timer: name,
  seconds,
  jitter,
});
const stop = (name: TimerName): FsmAction => ({ type: 'stopTimer', timer: name });
const SESSION_TIMERS: TimerName[] = ['connectRetry', 'hold', 'keepalive', 'delayOpen', 'stable'];
const STOP_ALL: FsmAction[] = SESSION_TIMERS.map(stop);

/** ConnectRetryTimer with exponential backoff on consecutive failures. */
function connectRetry(config: FsmConfig, counter: number): FsmAction {
  return timer(
    'connectRetry',
    Math.min(config.connectRetry * 2 ** Math.min(counter, 16), config.connectRetryMax),
  );
}

/** Where a waiting session goes: passive peers wait in Active; active ones retry after a backoff. */
function waitForPeer(s: FsmState, config: FsmConfig, extra: FsmAction[] = []): StepResult {
  const actions = [...extra];
  if (!config.passive) actions.push(connectRetry(config, s.connectRetryCounter));
  return {
    state: { ...s, state: SessionState.ACTIVE, delayOpenRunning: false, session: undefined },
    actions,
  };
}

/**
 * Back to Idle after an error: drop the connection, stop the timers and, unless stopped by the
 * operator, restart automatically after the IdleHoldTimer, which doubles with each flap
 * (RFC 4271 §8.1.1 DampPeerOscillations).
 */
function toIdle(
  s: FsmState,
  config: FsmConfig,
  reason: DownReason | undefined,
  extra: FsmAction[] = [],
): StepResult {
  const actions: FsmAction[] = [...extra, { type: 'close' }, ...STOP_ALL];
  if (
    reason &&
    (s.state === SessionState.OPEN_SENT ||
      s.state === SessionState.OPEN_CONFIRM ||
      s.state === SessionState.ESTABLISHED)
  ) {
    actions.push({ type: 'down', reason, wasEstablished: s.state === SessionState.ESTABLISHED });
  }
  const automatic = !s.stopped;
  if (automatic) actions.push(timer('idleHold', s.idleHold, false));
  return {
    state: {
      ...s,
      state: SessionState.IDLE,
      connectRetryCounter: s.connectRetryCounter + 1,
      idleHold: automatic ? Math.min(s.idleHold * 2, config.idleHoldMax) : s.idleHold,
      delayOpenRunning: false,
      session: undefined,
    },
    actions,
  };
}

/** Sends a NOTIFICATION and goes to Idle. */
function fail(s: FsmState, config: FsmConfig, n: Notification): StepResult {
  return toIdle(s, config, { kind: 'notificationSent', notification: n }, [
    { type: 'sendNotification', notification: n },
  ]);
}

/** RFC 6608: "Receive Unexpected Message in <state>" for a message the state does not expect. */
function fsmError(s: FsmState, config: FsmConfig): StepResult {
  const subcode =
    s.state === SessionState.OPEN_SENT
      ? FsmSubcode.UNEXPECTED_IN_OPENSENT
      : s.state === SessionState.OPEN_CONFIRM
        ? FsmSubcode.UNEXPECTED_IN_OPENCONFIRM
        : s.state === SessionState.ESTABLISHED
          ? FsmSubcode.UNEXPECTED_IN_ESTABLISHED
          : FsmSubcode.UNSPECIFIED;
  return fail(
    s,
    config,
    new Notification(ErrorCode.FSM, subcode, undefined, `unexpected event in ${s.state}`),
  );
}

/** The connection is up: send OPEN now, or after the DelayOpenTimer. */
function connected(s: FsmState, config: FsmConfig): StepResult {
  if (config.delayOpen > 0) {
    return {
      state: { ...s, delayOpenRunning: true },
      actions: [stop('connectRetry'), timer('delayOpen', config.delayOpen, false)],
    };
  }
  return {
    state: { ...s, state: SessionState.OPEN_SENT, delayOpenRunning: false },
    actions: [stop('connectRetry'), { type: 'sendOpen' }, timer('hold', OPEN_HOLD_TIME, false)],
  };
}

/** An OPEN arrived (in OpenSent, or in Connect/Active while the DelayOpenTimer runs). */
function openReceived(s: FsmState, config: FsmConfig, e: FsmEvent & { type: 'openReceived' }): StepResult {
  const result = negotiate(config.local, e.open);
  if (result instanceof Notification) return fail(s, config, result);
  const actions: FsmAction[] = [stop('connectRetry'), stop('delayOpen')];
  // With DelayOpen our OPEN has not gone out yet (RFC 4271 §8.2.2 event 20).
  if (s.delayOpenRunning) actions.push({ type: 'sendOpen' });
  actions.push({ type: 'sendKeepalive' });
  if (result.holdTime > 0) {
    actions.push(timer('hold', result.holdTime, false), timer('keepalive', result.keepalive));
  } else {
    actions.push(stop('hold'), stop('keepalive'));
  }
  return {
    state: { ...s, state: SessionState.OPEN_CONFIRM, delayOpenRunning: false, session: result },
    actions,
  };
}

function restartHold(s: FsmState): FsmAction[] {
  return s.session && s.session.holdTime > 0 ? [timer('hold', s.session.holdTime, false)] : [];
}

export function step(s: FsmState, e: FsmEvent, config: FsmConfig): StepResult {
  const same: StepResult = { state: s, actions: [] };

  // Events handled alike in every state but Idle.
  if (s.state !== SessionState.IDLE) {
    if (e.type === 'stop') {
      const stopped = { ...s, stopped: true };
      const opening =
        s.state === SessionState.OPEN_SENT ||
        s.state === SessionState.OPEN_CONFIRM ||
        s.state === SessionState.ESTABLISHED;
      // RFC 4271 §8.2.2 ManualStop: "sends the NOTIFICATION with a Cease".
      const extra: FsmAction[] = opening ? [{ type: 'sendNotification', notification: e.notification }] : [];
      const r = toIdle(stopped, config, { kind: 'stopped', notification: e.notification }, extra);
      // RFC 4271 §8.2.2 ManualStop (every state but Idle): "sets the ConnectRetryCounter to zero".
      return { ...r, state: { ...r.state, connectRetryCounter: 0 } };
    }
    if (
      e.type === 'timerExpired' &&
      e.timer === 'hold' &&
      s.state !== SessionState.CONNECT &&
      s.state !== SessionState.ACTIVE
    ) {
      // RFC 4271 §6.5: "If a system does not receive successive KEEPALIVE, UPDATE, and/or NOTIFICATION
      // messages within the period specified in the Hold Time field ... the NOTIFICATION message with
      // the Hold Timer Expired Error Code is sent and the BGP connection is closed."
      const n = new Notification(ErrorCode.HOLD_TIMER_EXPIRED, 0);
      return toIdle(s, config, { kind: 'holdTimerExpired' }, [{ type: 'sendNotification', notification: n }]);
    }
    if (e.type === 'messageError') return fail(s, config, e.notification);
    if (e.type === 'notificationReceived') {
      return toIdle(s, config, { kind: 'notificationReceived', notification: e.notification });
    }
    if (e.type === 'collisionDump') {
      // RFC 4271 §6.8: the connection to close gets "a NOTIFICATION message with the Error Code Cease".
      const n = new Notification(ErrorCode.CEASE, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION);
      return toIdle(s, config, { kind: 'collision' }, [{ type: 'sendNotification', notification: n }]);
    }
  }

  switch (s.state) {
    case SessionState.IDLE:
      if (e.type === 'start' || (e.type === 'timerExpired' && e.timer === 'idleHold' && !s.stopped)) {
        const started = { ...s, stopped: false, delayOpenRunning: false };
        if (config.passive)
          return { state: { ...started, state: SessionState.ACTIVE }, actions: [stop('idleHold')] };
        return {
          state: { ...started, state: SessionState.CONNECT },
          actions: [stop('idleHold'), connectRetry(config, s.connectRetryCounter), { type: 'connect' }],
        };
      }
      // RFC 4271 §8.2.2 Idle: ManualStop is ignored, but an automatic restart may be pending: cancel it.
      if (e.type === 'stop') return { state: { ...s, stopped: true }, actions: [stop('idleHold')] };
      // RFC 4271 §8.2.2 Idle: "Any other event ... the BGP FSM ... does not change state"; an incoming
      // connection is refused.
      if (e.type === 'tcpConnected') return { state: s, actions: [{ type: 'close' }] };
      return same;

    case SessionState.CONNECT:
    case SessionState.ACTIVE:
      if (e.type === 'timerExpired' && e.timer === 'connectRetry') {
        if (config.passive) return same;
        return {
          state: { ...s, state: SessionState.CONNECT, delayOpenRunning: false },
          actions: [
            { type: 'close' },
            stop('delayOpen'),
            connectRetry(config, s.connectRetryCounter),
            { type: 'connect' },
          ],
        };
      }
      if (e.type === 'timerExpired' && e.timer === 'delayOpen' && s.delayOpenRunning) {
        return {
          state: { ...s, state: SessionState.OPEN_SENT, delayOpenRunning: false },
          actions: [{ type: 'sendOpen' }, timer('hold', OPEN_HOLD_TIME, false)],
        };
      }
      if (e.type === 'tcpConnected') return connected(s, config);
      if (e.type === 'tcpFailed') {
        // RFC says Connect → Idle (Active → Idle) on TcpConnectionFails; we do what BIRD and FRR do:
        // stay ready in Active and retry after the ConnectRetryTimer, with backoff.
        return waitForPeer({ ...s, connectRetryCounter: s.connectRetryCounter + 1 }, config, [
          { type: 'close' },
          stop('delayOpen'),
        ]);
      }
      if (e.type === 'openReceived' && s.delayOpenRunning) return openReceived(s, config, e);
      if (e.type === 'start' || e.type === 'timerExpired') return same;
      // RFC 4271 §8.2.2 Connect/Active: any other event is an FSM error.
      return fsmError(s, config);

    case SessionState.OPEN_SENT:
      if (e.type === 'openReceived') return openReceived(s, config, e);
      if (e.type === 'tcpFailed') {
        // RFC 4271 §8.2.2 OpenSent TcpConnectionFails: "closes the BGP connection, restarts the
        // ConnectRetryTimer ... changes its state to Active".
        const down: FsmAction = { type: 'down', reason: { kind: 'connectionLost' }, wasEstablished: false };
        return waitForPeer(s, config, [{ type: 'close' }, stop('hold'), down]);
      }
      if (e.type === 'start' || e.type === 'timerExpired') return same;
      return fsmError(s, config);

    case SessionState.OPEN_CONFIRM:
      if (e.type === 'keepaliveReceived') {
        const actions: FsmAction[] = [...restartHold(s), timer('stable', config.stableTime, false)];
        actions.push({ type: 'established', session: s.session! });
        return { state: { ...s, state: SessionState.ESTABLISHED, connectRetryCounter: 0 }, actions };
      }
      if (e.type === 'timerExpired' && e.timer === 'keepalive') {
        return { state: s, actions: [{ type: 'sendKeepalive' }, timer('keepalive', s.session!.keepalive)] };
      }
      if (e.type === 'tcpFailed') return toIdle(s, config, { kind: 'connectionLost' });
      if (e.type === 'start' || e.type === 'timerExpired') return same;
      return fsmError(s, config);

    case SessionState.ESTABLISHED:
      if (e.type === 'keepaliveReceived' || e.type === 'updateReceived')
        return { state: s, actions: restartHold(s) };
      if (e.type === 'timerExpired' && e.timer === 'keepalive') {
        return { state: s, actions: [{ type: 'sendKeepalive' }, timer('keepalive', s.session!.keepalive)] };
      }
      if (e.type === 'timerExpired' && e.timer === 'stable') {
        // Up for long enough: the next flap starts damping from the beginning again.
        return { state: { ...s, idleHold: config.idleHold }, actions: [] };
      }
      if (e.type === 'tcpFailed') return toIdle(s, config, { kind: 'connectionLost' });
      if (e.type === 'start' || e.type === 'timerExpired') return same;
      return fsmError(s, config);
  }
}
