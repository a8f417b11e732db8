// The RFC 5880 BFD state machine (asynchronous mode) as a pure function: step(state, event, config)
// returns the next state and the actions for the driver. No I/O, no clock, no randomness: the
// driver jitters transmissions, computes digests and owns the timers.
//
// RFC says / we do:
// - §6.8.3 asks for a Poll Sequence whenever the intervals change. We poll only while Up (including
//   the change from the 1 s slow rate to the configured rate on coming Up, as BIRD does); outside Up
//   the new values take effect at once, as nothing depends on them yet.
// - On a state change we send a packet at once rather than at the next periodic slot (as BIRD and
//   FRR do), so the three-way handshake and a Down reach the peer without waiting up to a second.
// - Echo mode and Demand mode are not offered (we never set D); a peer's Demand mode is honoured.
import { sequenceInWindow } from './auth-sequence.js';
import type {
  BfdAction,
  BfdDiscardReason,
  BfdEvent,
  BfdFsmConfig,
  BfdFsmState,
  BfdStepResult,
} from './fsm-types.js';
import type { ControlPacket } from './packet.js';
import { BfdAuthType, BfdDiag, type BfdState } from './registry.js';

/** §6.8.3: the slow rate while not Up, one second. */
export const SLOW_TX_INTERVAL = 1_000_000;

/** bfd.DesiredMinTxInterval for a session state. */
export function advertisedTx(state: BfdState, config: BfdFsmConfig): number {
  // RFC 5880 §6.8.3: "When bfd.SessionState is not Up, the system MUST set
  // bfd.DesiredMinTxInterval to a value of not less than one second (1,000,000 microseconds)."
  return state === 'Up' ? config.desiredMinTx : Math.max(config.desiredMinTx, SLOW_TX_INTERVAL);
}

export function initialState(localDiscr: number, config: BfdFsmConfig): BfdFsmState {
  if (localDiscr === 0 || localDiscr !== localDiscr >>> 0) {
    throw new RangeError(`local discriminator must be a nonzero 32-bit value (got ${localDiscr})`);
  }
  const tx = advertisedTx('Down', config);
  return {
    // §6.8.1: "bfd.SessionState ... MUST be initialized to Down."
    state: 'Down',
    remoteState: 'Down',
    localDiscr,
    remoteDiscr: 0,
    localDiag: BfdDiag.NONE,
    remoteDiag: BfdDiag.NONE,
    desiredMinTx: tx,
    requiredMinRx: config.requiredMinRx,
    txInUse: tx,
    rxInUse: config.requiredMinRx,
    // §6.8.1: "bfd.RemoteMinRxInterval ... MUST be initialized to 1."
    remoteMinRx: 1,
    remoteDesiredMinTx: 0,
    remoteDetectMult: 0,
    remoteDemand: false,
    polling: false,
    authSeqKnown: false,
    rcvAuthSeq: 0,
  };
}

/** Whether we may send at all (the passive role, §6.8.7). */
export function mayTransmit(s: BfdFsmState, config: BfdFsmConfig): boolean {
  // RFC 5880 §6.8.7: "A system MUST NOT transmit BFD Control packets if bfd.RemoteDiscr is zero and
  // the system is taking the Passive role."
  return !(config.passive && s.remoteDiscr === 0);
}

/** The periodic transmission interval before jitter (µs), or null when periodic transmission stops. */
export function transmitInterval(s: BfdFsmState, config: BfdFsmConfig): number | null {
  if (!mayTransmit(s, config)) return null;
  // "A system MUST NOT periodically transmit BFD Control packets if bfd.RemoteMinRxInterval is zero."
  if (s.remoteMinRx === 0) return null;
  // "A system MUST NOT periodically transmit BFD Control packets if Demand mode is active on the
  // remote system (bfd.RemoteDemandMode is 1, bfd.SessionState is Up, and bfd.RemoteSessionState is
  // Up) and a Poll Sequence is not being transmitted."
  if (s.remoteDemand && s.state === 'Up' && s.remoteState === 'Up' && !s.polling) return null;
  // §6.8.2: "the transmission interval ... [is] the larger of bfd.DesiredMinTxInterval and
  // bfd.RemoteMinRxInterval" (the value in use: an increase waits for the Poll Sequence, §6.8.3).
  return Math.max(s.txInUse, s.remoteMinRx);
}

/** §6.8.4 Detection Time in asynchronous mode (µs), or 0 before the peer's first packet. */
export function detectionTime(s: BfdFsmState): number {
  // "the Detection Time ... is equal to the value of Detect Mult received from the remote system,
  // multiplied by the agreed transmit interval of the remote system (the greater of
  // bfd.RequiredMinRxInterval and the last received Desired Min TX Interval)."
  return s.remoteDetectMult * Math.max(s.rxInUse, s.remoteDesiredMinTx);
}

/** The Control packet to send now; authentication is added by the driver. */
export function outgoingPacket(s: BfdFsmState, config: BfdFsmConfig, final: boolean): ControlPacket {
  return {
    diag: s.localDiag,
    state: s.state,
    // §4.1: "A BFD Control packet MUST NOT have both the Poll (P) and Final (F) bits set."
    poll: s.polling && !final,
    final,
    cpi: false,
    demand: false,
    detectMult: config.detectMult,
    myDiscr: s.localDiscr,
    // §6.8.7: "Your Discriminator ... MUST be set to bfd.RemoteDiscr."
    yourDiscr: s.remoteDiscr,
    desiredMinTx: s.desiredMinTx,
    requiredMinRx: s.requiredMinRx,
    requiredMinEchoRx: 0,
  };
}

/** Collects actions and the "send a packet now" wish of one step. */
class Out {
  readonly actions: BfdAction[] = [];
  sendNow = false;
  sendFinal = false;
  push(a: BfdAction): void {
    this.actions.push(a);
  }
}

export function step(s: BfdFsmState, event: BfdEvent, config: BfdFsmConfig): BfdStepResult {
  const out = new Out();
  const before = transmitInterval(s, config);
  let next: BfdFsmState;
  switch (event.type) {
    case 'start':
      next = s;
      out.sendNow = true;
      break;
    case 'adminDown':
      next = s.state === 'AdminDown' ? s : changeState(s, 'AdminDown', BfdDiag.ADMINISTRATIVELY_DOWN, out);
      out.push({ type: 'stopTimer', timer: 'detect' });
      break;
    case 'adminUp':
      // §6.8.16: "When the session is re-enabled, bfd.SessionState is set to Down."
      next = s.state === 'AdminDown' ? changeState(s, 'Down', BfdDiag.NONE, out) : s;
      break;
    case 'received':
      next = receive(s, event.packet, event.authentic, config, out);
      break;
    case 'timerExpired':
      next = event.timer === 'detect' ? detectExpired(s, out) : { ...s, authSeqKnown: false };
      break;
    case 'configChanged':
      next = s;
      break;
  }
  const rxBefore = next.rxInUse;
  next = applyParameters(next, config, out);
  if (event.type === 'configChanged' && next.rxInUse > rxBefore && next.remoteDetectMult > 0) {
    // The peer slows down as soon as it sees the larger Required Min RX: give it the new time now.
    out.push({ type: 'startTimer', timer: 'detect', us: detectionTime(next) });
  }
  const after = transmitInterval(next, config);
  if (after !== before || event.type === 'start') out.push({ type: 'transmit', interval: after });
  if (out.sendFinal) out.push({ type: 'send', final: true });
  else if (out.sendNow && mayTransmit(next, config)) out.push({ type: 'send', final: false });
  return { state: next, actions: out.actions };
}

function changeState(s: BfdFsmState, to: BfdState, diag: number, out: Out): BfdFsmState {
  out.push({ type: 'stateChange', from: s.state, to, diag });
  out.sendNow = true;
  const leavingUp = s.state === 'Up';
  return { ...s, state: to, localDiag: diag, ...(leavingUp && { polling: false, polled: undefined }) };
}

/**
 * Brings the advertised intervals in line with the config and state. While Up a change starts a
 * Poll Sequence (§6.8.3: "If either bfd.DesiredMinTxInterval is changed or
 * bfd.RequiredMinRxInterval is changed, a Poll Sequence MUST be initiated").
 */
function applyParameters(s: BfdFsmState, config: BfdFsmConfig, out: Out): BfdFsmState {
  const tx = advertisedTx(s.state, config);
  const rx = config.requiredMinRx;
  if (tx === s.desiredMinTx && rx === s.requiredMinRx) return s;
  if (s.state !== 'Up') return { ...s, desiredMinTx: tx, requiredMinRx: rx, txInUse: tx, rxInUse: rx };
  // "If bfd.DesiredMinTxInterval is increased and bfd.SessionState is Up, the actual transmission
  // interval used MUST NOT change until the Poll Sequence described above has terminated."
  const txInUse = Math.min(s.txInUse, tx);
  // "If bfd.RequiredMinRxInterval is reduced and bfd.SessionState is Up, the previous value of
  // bfd.RequiredMinRxInterval MUST be used when calculating the Detection Time for the remote system
  // until the Poll Sequence described above has terminated."
  const rxInUse = Math.max(s.rxInUse, rx);
  const next = { ...s, desiredMinTx: tx, requiredMinRx: rx, txInUse, rxInUse };
  if (s.polling) return next; // the running Poll Sequence is followed by another one (see receive)
  out.sendNow = true;
  return { ...next, polling: true, polled: { tx, rx } };
}

const discard = (s: BfdFsmState, out: Out, reason: BfdDiscardReason): BfdFsmState => {
  out.push({ type: 'discard', reason });
  return s;
};

/** RFC 5880 §6.8.6, for a packet that passed the codec's checks and was demultiplexed here. */
function receive(
  s: BfdFsmState,
  p: ControlPacket,
  authentic: boolean,
  config: BfdFsmConfig,
  out: Out,
): BfdFsmState {
  // "If the Your Discriminator field is nonzero, it MUST be used to select the session with which
  // this BFD packet is associated. If no session is found, the packet MUST be discarded."
  if (p.yourDiscr !== 0 && p.yourDiscr !== s.localDiscr) return discard(s, out, 'yourDiscriminator');
  // "If the A bit is set and no authentication is in use (bfd.AuthType is zero), the packet MUST be
  // discarded."
  if (p.auth && config.authType === 0) return discard(s, out, 'authUnexpected');
  // "If the A bit is clear and authentication is in use (bfd.AuthType is nonzero), the packet MUST
  // be discarded."
  if (!p.auth && config.authType !== 0) return discard(s, out, 'authMissing');
  let next = s;
  if (p.auth) {
    // "If the A bit is set, the packet MUST be authenticated under the rules of section 6.7, based
    // on the authentication type in use (bfd.AuthType). This may cause the packet to be discarded."
    if (!authentic || p.auth.type !== config.authType) return discard(s, out, 'authFailed');
    if (p.auth.type !== BfdAuthType.SIMPLE_PASSWORD) {
      // §6.7.3: "If bfd.AuthSeqKnown is 1, examine the Sequence Number field ..."
      if (s.authSeqKnown && !sequenceInWindow(p.auth.type, p.auth.sequence, s.rcvAuthSeq, p.detectMult)) {
        return discard(s, out, 'authSequence');
      }
      // "Otherwise (bfd.AuthSeqKnown is 0), bfd.AuthSeqKnown MUST be set to 1, and bfd.RcvAuthSeq MUST
      // be set to the value of the received Sequence Number field." bfd.RcvAuthSeq is "the last
      // sequence number ... received", so an accepted packet moves it in both cases. RFC says this
      // before the digest check / we do it after, so a forged packet cannot move the window.
      next = { ...next, authSeqKnown: true, rcvAuthSeq: p.auth.sequence };
    }
  }
  // "Set bfd.RemoteDiscr to the value of My Discriminator. Set bfd.RemoteState to the value of the
  // State (Sta) field. Set bfd.RemoteDemandMode to the value of the Demand (D) bit. Set
  // bfd.RemoteMinRxInterval to the value of Required Min RX Interval."
  next = {
    ...next,
    remoteDiscr: p.myDiscr,
    remoteState: p.state,
    remoteDemand: p.demand,
    remoteMinRx: p.requiredMinRx,
    remoteDesiredMinTx: p.desiredMinTx,
    remoteDetectMult: p.detectMult,
    remoteDiag: p.diag,
  };
  // "If a Poll Sequence is being transmitted by the local system and the Final (F) bit in the
  // received packet is set, the Poll Sequence MUST be terminated."
  if (next.polling && p.final) next = terminatePoll(next, out);
  // "If bfd.SessionState is AdminDown: Discard the packet."
  if (next.state === 'AdminDown') return discard(next, out, 'adminDown');
  if (p.state === 'AdminDown') {
    // "If received state is AdminDown: If bfd.SessionState is not Down: Set bfd.LocalDiag to 3
    // (Neighbor signaled session down), Set bfd.SessionState to Down."
    if (next.state !== 'Down') next = changeState(next, 'Down', BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN, out);
  } else if (next.state === 'Down') {
    // "If bfd.SessionState is Down: If received State is Down, Set bfd.SessionState to Init. Else if
    // received State is Init, Set bfd.SessionState to Up."
    if (p.state === 'Down') next = changeState(next, 'Init', BfdDiag.NONE, out);
    else if (p.state === 'Init') next = changeState(next, 'Up', BfdDiag.NONE, out);
  } else if (next.state === 'Init') {
    // "Else if bfd.SessionState is Init: If received State is Init or Up, Set bfd.SessionState to Up."
    if (p.state === 'Init' || p.state === 'Up') next = changeState(next, 'Up', BfdDiag.NONE, out);
  } else if (p.state === 'Down') {
    // "Else (bfd.SessionState is Up): If received State is Down, Set bfd.LocalDiag to 3 (Neighbor
    // signaled session down), Set bfd.SessionState to Down."
    next = changeState(next, 'Down', BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN, out);
  }
  // "If the Poll (P) bit is set, send a BFD Control packet to the remote system with the Poll (P)
  // bit clear, and the Final (F) bit set."
  if (p.poll) out.sendFinal = true;
  // "If the packet was not discarded, it has been received for purposes of the Detection Time
  // expiration rules in section 6.8.4." (Computed with the values this step settles on.)
  const settled = applyParameters(next, config, new Out());
  out.push({ type: 'startTimer', timer: 'detect', us: detectionTime(settled) });
  if (config.authType !== 0 && config.authType !== BfdAuthType.SIMPLE_PASSWORD) {
    // §6.8.1: "bfd.AuthSeqKnown ... MUST be set to zero after no packets have been received on this
    // session for at least twice the Detection Time."
    out.push({ type: 'startTimer', timer: 'authSeq', us: 2 * detectionTime(settled) });
  }
  return next;
}

/** A Final arrived: the polled values take effect; values changed meanwhile get a new Poll. */
function terminatePoll(s: BfdFsmState, out: Out): BfdFsmState {
  const polled = s.polled ?? { tx: s.desiredMinTx, rx: s.requiredMinRx };
  out.push({ type: 'pollComplete' });
  const done = { ...s, polling: false, polled: undefined, txInUse: polled.tx, rxInUse: polled.rx };
  if (polled.tx === s.desiredMinTx && polled.rx === s.requiredMinRx) return done;
  out.sendNow = true;
  return {
    ...done,
    polling: true,
    polled: { tx: s.desiredMinTx, rx: s.requiredMinRx },
    txInUse: Math.min(polled.tx, s.desiredMinTx),
    rxInUse: Math.max(polled.rx, s.requiredMinRx),
  };
}

/** §6.8.4: no packet for a Detection Time. */
function detectExpired(s: BfdFsmState, out: Out): BfdFsmState {
  // §6.8.1: bfd.RemoteDiscr "MUST be set to zero" when "a period of a Detection Time passes without
  // the receipt of a valid, authenticated BFD packet from the remote system".
  const cleared = { ...s, remoteDiscr: 0 };
  // §6.8.4: "If Demand mode is not active, and a period of time equal to the Detection Time passes
  // without receiving a BFD Control packet from the remote system, and bfd.SessionState is Init or
  // Up, the session has gone down -- the local system MUST set bfd.SessionState to Down and
  // bfd.LocalDiag to 1 (Control Detection Time Expired)."
  if (s.state === 'Init' || s.state === 'Up') {
    return changeState(cleared, 'Down', BfdDiag.CONTROL_DETECTION_TIME_EXPIRED, out);
  }
  return cleared;
}
