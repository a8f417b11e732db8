// What a peer's session does, as log lines from the event catalogue (peer address as a field).
import type { Logger } from '../log/logger.js';
import { LogEvent } from '../log/logger.js';
import { isCollisionDump, type Peer } from '../session/peer.js';
import { describeError } from '../wire/index.js';
import { LogBudget } from './log-budget.js';

/** Logs `peer`'s state changes, session up/down, NOTIFICATIONs and RFC 7606 outcomes on `log`. */
export function logPeerEvents(peer: Peer, log: Logger): void {
  peer.on('stateChange', (from, to) =>
    log.debug({ event: LogEvent.stateChange, from, to }, `${from} → ${to}`),
  );
  peer.on('sessionUp', (s) =>
    log.info(
      { event: LogEvent.sessionUp, peerAsn: s.peerAsn, holdTime: s.holdTime, ibgp: s.ibgp },
      'session established',
    ),
  );
  peer.on('sessionDown', (reason) =>
    log.warn(
      {
        event: LogEvent.sessionDown,
        reason: reason.kind,
        ...('notification' in reason
          ? { notification: describeError(reason.notification.code, reason.notification.subcode) }
          : {}),
      },
      'session down',
    ),
  );
  peer.on('notificationSent', (x) =>
    log[isCollisionDump(x) ? 'debug' : 'warn'](
      { event: LogEvent.notificationSent, code: x.code, subcode: x.subcode, error: x.message },
      'NOTIFICATION sent',
    ),
  );
  peer.on('notificationReceived', (x) =>
    log[isCollisionDump(x) ? 'debug' : 'warn'](
      { event: LogEvent.notificationReceived, code: x.code, subcode: x.subcode, error: x.message },
      'NOTIFICATION received',
    ),
  );
  // A neighbor that cannot be reached says why once at info, then at debug while it fails the same
  // way; a session that came up in between makes the next failure news again.
  let told: string | undefined;
  peer.on('sessionUp', () => {
    told = undefined;
  });
  peer.on('connectFailed', (reason) => {
    log[reason === told ? 'debug' : 'info'](
      { event: LogEvent.connectFailed, reason },
      'connection attempt failed',
    );
    told = reason;
  });
  peer.on('internalError', (e) =>
    log.error({ event: LogEvent.internalError, err: e.message, stack: e.stack }, 'internal error'),
  );
  // RFC 7606 §6: "logging an error listing the NLRI involved and containing the entire malformed
  // UPDATE message": the body (after the 19-octet header) in hex holds both. At most 10 a minute per
  // neighbor; the others are counted (the neighbor's treatAsWithdraw counter has them all).
  const budget = new LogBudget();
  peer.on('treatAsWithdraw', (errors, update) => {
    const turn = budget.take();
    if (turn.kind === 'log')
      log.warn(
        {
          event: LogEvent.updateTreatAsWithdraw,
          errors,
          update: update.toString('hex'),
          ...(turn.suppressed > 0 && { notLoggedBefore: turn.suppressed }),
        },
        'malformed UPDATE (RFC 7606)',
      );
    else if (turn.kind === 'first-over')
      log.warn(
        { event: LogEvent.updateTreatAsWithdraw, errors },
        'malformed UPDATEs (RFC 7606): more than 10 this minute; the rest of the minute only counted',
      );
  });
}
