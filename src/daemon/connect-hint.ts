// What a failed connect means for the neighbor it was for, when the config tells: the error's code
// stays (metrics count by it), a `hint` joins it in the neighbor's lastError and the log.
import type { NeighborConfig } from '../config/types.js';
import { CONNECT_RETRY_EXPIRED } from '../session/driver.js';
import { type Interfaces, multihopProblem } from './multihop-hint.js';
import { neighborKey } from './transport.js';

/**
 * RFC 2385 §2.0: "A failing comparison must result in the segment being dropped and must not
 * produce any response back to the sender", so with an MD5 key set a connect that times out is the
 * classic sign of a password mismatch (an absent host looks the same, so the hint says both).
 */
const NO_MD5_ANSWER =
  'no MD5 answer: with a wrong or missing password the peer drops our SYNs silently; or it is down';

/** Why `e` may have happened to `n`, or undefined when the config says nothing about it. */
function hintFor(
  code: string | undefined,
  n: NeighborConfig,
  localAsn: number,
  interfaces?: Interfaces,
): string | undefined {
  const hints: string[] = [];
  // A SYN sent with TTL 1 to a peer behind a router dies there: ICMP time exceeded (EHOSTUNREACH
  // on Linux), or nothing at all when ICMP is filtered (ETIMEDOUT).
  if (code === 'EHOSTUNREACH' || code === 'ETIMEDOUT') {
    const problem = multihopProblem(n, localAsn, interfaces);
    if (problem) hints.push(problem);
  }
  if (code === 'ETIMEDOUT' && neighborKey(n)) hints.push(NO_MD5_ANSWER);
  return hints.length > 0 ? hints.join('; ') : undefined;
}

/** `e` with a `hint` when the neighbor's config explains it (the Peer shows it beside the code). */
export function explainConnectError(
  e: unknown,
  n: NeighborConfig,
  localAsn: number,
  interfaces?: Interfaces,
): unknown {
  const hint = hintFor((e as NodeJS.ErrnoException | undefined)?.code, n, localAsn, interfaces);
  return hint ? Object.assign(e as Error, { hint }) : e;
}

/**
 * The error of a dial that failed: an attempt abandoned when the ConnectRetryTimer expired is the
 * timeout it is (the peer did not answer in that time), explained like any other.
 */
export function dialError(
  e: unknown,
  signal: AbortSignal,
  n: NeighborConfig,
  localAsn: number,
  interfaces?: Interfaces,
): unknown {
  if (signal.reason !== CONNECT_RETRY_EXPIRED) return explainConnectError(e, n, localAsn, interfaces);
  const timeout = Object.assign(
    new Error(`connect ETIMEDOUT ${n.address}:${n.port} (no answer before the connect retry timer expired)`),
    { code: 'ETIMEDOUT' },
  );
  return explainConnectError(timeout, n, localAsn, interfaces);
}
