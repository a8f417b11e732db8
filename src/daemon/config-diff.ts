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
  /**
   * Other settings whose value changed (`api.token`, `policies`, …), so a reload that rotated a
   * token does not read "no changes": the neighbors, announcements and listener are reported on
   * their own, and a secret by its name only.
   */
  readonly settingsChanged: string[];
}

/** Reported on their own (neighbors, announcements, the listener) or as needing a restart. */
const REPORTED_APART = new Set(['neighbors', 'announce', 'listen', 'stateDir']);
/** Compared key by key, so a rotated token reads `api.token`. */
const BY_SUBKEY = new Set(['api', 'metrics', 'kubernetes', 'fib', 'log']);

function settingsChanged(old: HeraldConfig, next: HeraldConfig): string[] {
  const changed: string[] = [];
  const a = old as unknown as Record<string, unknown>;
  const b = next as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (REPORTED_APART.has(key) || isDeepStrictEqual(a[key], b[key])) continue;
    const x = a[key];
    const y = b[key];
    if (BY_SUBKEY.has(key) && x && y && typeof x === 'object' && typeof y === 'object') {
      const xs = x as Record<string, unknown>;
      const ys = y as Record<string, unknown>;
      for (const k of new Set([...Object.keys(xs), ...Object.keys(ys)]))
        if (
          !isDeepStrictEqual(xs[k], ys[k]) &&
          `${key}.${k}` !== 'api.listen' &&
          `${key}.${k}` !== 'metrics.listen'
        )
          changed.push(`${key}.${k}`);
    } else changed.push(key);
  }
  return changed;
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
    settingsChanged: settingsChanged(old, next),
  };
}

function apiListen(c: HeraldConfig): string | false {
  return c.api === false ? false : c.api.listen;
}
