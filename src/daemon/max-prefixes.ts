// Max-prefix for one neighbor: a warning at the threshold, then — unless warning-only — the
// session torn down with Cease/Maximum Number of Prefixes Reached and, with `restartAfter`, tried
// again after that many minutes (otherwise it stays down until an operator reset or a reload).
import type { NeighborConfig } from '../config/types.js';
import { LogEvent, type Logger } from '../log/logger.js';
import type { MaxPrefixes } from '../rib/neighbor-ribs.js';
import type { Peer } from '../session/peer.js';
import { CeaseSubcode, ErrorCode, Notification } from '../wire/index.js';

/**
 * RFC 4486 §4: the NOTIFICATION "MAY optionally include the Address Family information and the
 * upper bound in the 'Data' field": AFI (2 octets), SAFI (1), prefix upper bound (4).
 */
export function maxPrefixesNotification(afi: number, limit: number): Notification {
  const data = Buffer.alloc(7);
  data.writeUInt16BE(afi, 0);
  data[2] = 1;
  data.writeUInt32BE(limit, 3);
  return new Notification(ErrorCode.CEASE, CeaseSubcode.MAX_PREFIXES, data);
}

export function maxPrefixGuard(
  n: NeighborConfig,
  peer: () => Peer | undefined,
  log: Logger,
): MaxPrefixes | undefined {
  const m = n.maxPrefixes;
  if (!m) return undefined;
  const warningOnly = m.warningOnly ?? false;
  const restartAfter = m.restartAfter ?? 0;
  return {
    limit: m.limit,
    warningThreshold: m.warningThreshold ?? 75,
    warningOnly,
    reached: ({ kind, count, limit, afi }) => {
      const fields = { event: LogEvent.maxPrefixes, kind, count, limit, afi, warningOnly };
      if (kind === 'warning' || warningOnly) {
        log.warn(fields, `${count} routes from the neighbor (limit ${limit})`);
        return;
      }
      log.error({ ...fields, restartAfter }, `more than ${limit} routes: session torn down`);
      const p = peer();
      if (!p) return;
      p.stop(maxPrefixesNotification(afi, limit));
      if (restartAfter > 0) {
        const t = setTimeout(() => p.start(), restartAfter * 60_000);
        t.unref?.();
      }
    },
  };
}
