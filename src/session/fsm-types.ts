// Types of the RFC 4271 §8 session FSM: states, the events it reacts to and the actions it asks
// its driver to carry out. Actions are data; the FSM never touches a socket or a clock.
import type { Notification, OpenMessage } from '../wire/index.js';
import type { LocalSettings, Negotiated } from './negotiate.js';

export const SessionState = {
  IDLE: 'Idle',
  CONNECT: 'Connect',
  ACTIVE: 'Active',
  OPEN_SENT: 'OpenSent',
  OPEN_CONFIRM: 'OpenConfirm',
  ESTABLISHED: 'Established',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** RFC 4271 §8 timers, plus `stable` (how long a session must stay up to reset restart damping). */
export type TimerName = 'connectRetry' | 'hold' | 'keepalive' | 'delayOpen' | 'idleHold' | 'stable';

/** RFC 4271 §8.1 events, grouped as Herald raises them (event numbers in comments). */
export type FsmEvent =
  /** 1/3 ManualStart/AutomaticStart, 4/5 with PassiveTcpEstablishment. */
  | { readonly type: 'start' }
  /** 2 ManualStop, 8 AutomaticStop: the Cease to send, if a session is up or opening. */
  | { readonly type: 'stop'; readonly notification: Notification }
  /** 9-13 timer expiries (and `stable`). */
  | { readonly type: 'timerExpired'; readonly timer: TimerName }
  /** 16 Tcp_CR_Acked / 17 TcpConnectionConfirmed. */
  | { readonly type: 'tcpConnected' }
  /** 18 TcpConnectionFails. */
  | { readonly type: 'tcpFailed' }
  /** 19/20 BGPOpen (already syntax-checked by the codec). */
  | { readonly type: 'openReceived'; readonly open: OpenMessage }
  /** 21 BGPHeaderErr, 22 BGPOpenMsgErr, 28 UpdateMsgErr: the Notification to send. */
  | { readonly type: 'messageError'; readonly notification: Notification }
  /** 24 NotifMsgVerErr / 25 NotifMsg. */
  | { readonly type: 'notificationReceived'; readonly notification: Notification }
  /** 26 KeepAliveMsg. */
  | { readonly type: 'keepaliveReceived' }
  /** 27 UpdateMsg, and ROUTE-REFRESH (both restart the hold timer). */
  | { readonly type: 'updateReceived' }
  /** 23 OpenCollisionDump (RFC 4271 §6.8). */
  | { readonly type: 'collisionDump' };

export type DownReason =
  | { readonly kind: 'stopped'; readonly notification: Notification }
  | { readonly kind: 'holdTimerExpired' }
  | { readonly kind: 'notificationSent'; readonly notification: Notification }
  | { readonly kind: 'notificationReceived'; readonly notification: Notification }
  | { readonly kind: 'connectionLost' }
  | { readonly kind: 'collision' };

export type FsmAction =
  | { readonly type: 'connect' }
  | { readonly type: 'close' }
  | { readonly type: 'sendOpen' }
  | { readonly type: 'sendKeepalive' }
  | { readonly type: 'sendNotification'; readonly notification: Notification }
  /** Start or restart a timer; `jitter` asks for RFC 4271 §10 jitter (× 0.75..1). */
  | {
      readonly type: 'startTimer';
      readonly timer: TimerName;
      readonly seconds: number;
      readonly jitter: boolean;
    }
  | { readonly type: 'stopTimer'; readonly timer: TimerName }
  | { readonly type: 'established'; readonly session: Negotiated }
  /** The session left OpenSent/OpenConfirm/Established (`wasEstablished` says which). */
  | { readonly type: 'down'; readonly reason: DownReason; readonly wasEstablished: boolean };

export interface FsmConfig {
  readonly local: LocalSettings;
  /** Never initiate a connection; wait in Active (RFC 4271 PassiveTcpEstablishment). */
  readonly passive: boolean;
  /** RFC 4271 DelayOpenTimer seconds; 0 sends OPEN at once. */
  readonly delayOpen: number;
  /** First ConnectRetryTimer value; doubles per failed attempt up to `connectRetryMax`. */
  readonly connectRetry: number;
  readonly connectRetryMax: number;
  /** First IdleHoldTimer value after an error; doubles per flap up to `idleHoldMax` (RFC 4271 §8.1.1 DampPeerOscillations). */
  readonly idleHold: number;
  readonly idleHoldMax: number;
  /** Seconds Established before the damping is reset. */
  readonly stableTime: number;
}

export interface FsmState {
  readonly state: SessionState;
  readonly connectRetryCounter: number;
  /** Next IdleHoldTimer value (grows with each flap). */
  readonly idleHold: number;
  /** Stopped by the operator: no automatic restart until the next start. */
  readonly stopped: boolean;
  readonly delayOpenRunning: boolean;
  readonly session?: Negotiated;
}

export interface StepResult {
  readonly state: FsmState;
  readonly actions: readonly FsmAction[];
}
