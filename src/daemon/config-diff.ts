// What a reload changes, worked out from the old and new config (pure). Neighbors are matched
// by address; a change to anything the session negotiated or was opened with needs that one
// session reset, other changes apply in place.
import { isDeepStrictEqual } from 'node:util';
import type { HeraldConfig, NeighborConfig } from '../config/types.js';

/**
 * Neighbor keys that change nothing in the running session: applied without touching it (the
 * timers take effect from the next connection attempt; `bfd` changes the BFD session beside it).
 */
const IN_PLACE_NEIGHBOR_KEYS: ReadonlySet<string> = new Set([
  'description',
  'connectRetry',
  'delayOpen',
  'importPolicy',
  'exportPolicy',
  'bfd',
]);

export interface NeighborChange {
  readonly address: string;
  /** Keys that differ (names only: a value may be a secret). */
  readonly keys: string[];
  readonly next: NeighborConfig;
  /** False when only in-place keys changed. */
  readonly reset: boolean;
}

export interface ConfigDiff {
  readonly added: NeighborConfig[];
  readonly removed: string[];
  readonly changed: NeighborChange[];
  /** asn or routerId changed: every session must be reset. */
  readonly identityChanged: boolean;
  readonly listenChanged: boolean;
  readonly dynamicNeighborsChanged: boolean;
  /** Keys that only take effect after a restart of the process. */
  readonly needsRestart: string[];
}

function changedKeys(a: NeighborConfig, b: NeighborConfig): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof NeighborConfig>;
  return [...keys].filter((k) => !isDeepStrictEqual(a[k], b[k]));
}

export type NeighborDiff = Pick<ConfigDiff, 'added' | 'removed' | 'changed'>;

/** Neighbors added, removed and changed between two lists (matched by address). */
export function diffNeighbors(
  old: readonly NeighborConfig[],
  next: readonly NeighborConfig[],
  identityChanged = false,
): NeighborDiff {
  const before = new Map(old.map((n) => [n.address, n]));
  const after = new Map(next.map((n) => [n.address, n]));
  const changed: NeighborChange[] = [];
  for (const [address, n] of after) {
    const was = before.get(address);
    if (!was) continue;
    const keys = changedKeys(was, n);
    if (keys.length === 0 && !identityChanged) continue;
    const reset = identityChanged || keys.some((k) => !IN_PLACE_NEIGHBOR_KEYS.has(k));
    changed.push({ address, keys, next: n, reset });
  }
  return {
    added: next.filter((n) => !before.has(n.address)),
    removed: old.filter((n) => !after.has(n.address)).map((n) => n.address),
    changed,
  };
}

export function diffConfig(old: HeraldConfig, next: HeraldConfig): ConfigDiff {
  const identityChanged = old.asn !== next.asn || old.routerId !== next.routerId;
  return {
    ...diffNeighbors(old.neighbors, next.neighbors, identityChanged),
    identityChanged,
    listenChanged: !isDeepStrictEqual(old.listen, next.listen),
    dynamicNeighborsChanged: !isDeepStrictEqual(old.dynamicNeighbors, next.dynamicNeighbors),
    needsRestart: [
      ...(isDeepStrictEqual(apiListen(old), apiListen(next)) ? [] : ['api.listen']),
      ...(old.stateDir === next.stateDir ? [] : ['stateDir']),
      ...(old.metrics?.listen === next.metrics?.listen ? [] : ['metrics.listen']),
    ],
  };
}

function apiListen(c: HeraldConfig): string | false {
  return c.api === false ? false : c.api.listen;
}
