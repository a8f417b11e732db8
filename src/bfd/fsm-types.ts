// Types of the RFC 5880 BFD state machine: its state (the §6.8.1 variables), the events it reacts
// to and the actions it asks its driver to carry out. Times are microseconds, as on the wire.
import type { ControlPacket } from './packet.js';
import type { BfdDiag, BfdState } from './registry.js';

export interface BfdFsmConfig {
  /** bfd.DesiredMinTxInterval while Up (µs); at least 1 s is used while not Up (§6.8.3). */
  readonly desiredMinTx: number;
  /** bfd.RequiredMinRxInterval (µs). */
  readonly requiredMinRx: number;
  /** bfd.DetectMult. */
  readonly detectMult: number;
  /** Passive role (§6.1): send nothing until the peer's discriminator is known. */
  readonly passive: boolean;
  /** bfd.AuthType: 0 for none, else the §4.2 Auth Type code. */
  readonly authType: number;
}

export type BfdTimer = 'detect' | 'authSeq';

export interface BfdFsmState {
  readonly state: BfdState;
  readonly remoteState: BfdState;
  readonly localDiscr: number;
  /** 0 while unknown. */
  readonly remoteDiscr: number;
  readonly localDiag: BfdDiag;
  /** Diagnostic in the last packet from the peer. */
  readonly remoteDiag: BfdDiag;
  /** Values advertised in our packets (bfd.DesiredMinTxInterval / bfd.RequiredMinRxInterval). */
  readonly desiredMinTx: number;
  readonly requiredMinRx: number;
  /** Values in effect: they lag the advertised ones while a Poll Sequence runs (§6.8.3). */
  readonly txInUse: number;
  readonly rxInUse: number;
  /** bfd.RemoteMinRxInterval; 1 until the first packet (§6.8.1). */
  readonly remoteMinRx: number;
  /** The peer's Desired Min TX Interval from its last packet (0 until then). */
  readonly remoteDesiredMinTx: number;
  /** The peer's Detect Mult from its last packet (0 until then). */
  readonly remoteDetectMult: number;
  readonly remoteDemand: boolean;
  /** A Poll Sequence is being transmitted, for the values in `polled`. */
  readonly polling: boolean;
  readonly polled?: { readonly tx: number; readonly rx: number };
  readonly authSeqKnown: boolean;
  readonly rcvAuthSeq: number;
}

export type BfdEvent =
  /** Start the session (periodic transmission begins, subject to the passive role). */
  | { readonly type: 'start' }
  /** §6.8.16 administrative control. */
  | { readonly type: 'adminDown' }
  | { readonly type: 'adminUp' }
  /**
   * A decoded packet demultiplexed to this session; `authentic` says whether its password or digest
   * matched the configured key (false when there is no section or no key).
   */
  | { readonly type: 'received'; readonly packet: ControlPacket; readonly authentic: boolean }
  | { readonly type: 'timerExpired'; readonly timer: BfdTimer }
  /** The config passed to step() has new intervals / multiplier: Poll Sequence if Up (§6.8.3). */
  | { readonly type: 'configChanged' };

export type BfdDiscardReason =
  | 'authUnexpected'
  | 'authMissing'
  | 'authFailed'
  | 'authSequence'
  | 'yourDiscriminator'
  | 'adminDown';

export type BfdAction =
  /** Send one packet now: a Final (P clear, F set, §6.5) or a state change / new Poll. */
  | { readonly type: 'send'; readonly final: boolean }
  /** The periodic transmission interval before jitter (µs), or null to stop periodic transmission. */
  | { readonly type: 'transmit'; readonly interval: number | null }
  | { readonly type: 'startTimer'; readonly timer: BfdTimer; readonly us: number }
  | { readonly type: 'stopTimer'; readonly timer: BfdTimer }
  | { readonly type: 'stateChange'; readonly from: BfdState; readonly to: BfdState; readonly diag: BfdDiag }
  /** The Poll Sequence ended (a Final arrived): the advertised values are now in effect. */
  | { readonly type: 'pollComplete' }
  | { readonly type: 'discard'; readonly reason: BfdDiscardReason };

export interface BfdStepResult {
  readonly state: BfdFsmState;
  readonly actions: readonly BfdAction[];
}
