// Plain-text tables for the CLI, in the layout operators know from `show ip bgp summary` and
// `show ip bgp`.
import type { BfdSessionView } from '../api/bfd.js';
import type { PolicyTestView } from '../api/policy-test.js';
import type { PrefixRouteView } from '../api/prefix-route.js';
import type { NeighborView } from '../api/views.js';
import type { AnnouncementReport } from '../daemon/announcement-reach.js';
import type { ReloadResult } from '../daemon/daemon.js';

/** One line of a table whose columns are `widths` wide: the last cell unpadded, no trailing space. */
export function tableLine(cells: readonly string[], widths: readonly number[]): string {
  const last = cells.length - 1;
  return cells
    .map((c, i) => (i === last ? c : c.padEnd(widths[i])))
    .join('  ')
    .trimEnd();
}

export function formatTable(header: string[], rows: string[][]): string {
  // A loop, not Math.max(...column): a full table's 577,000 rows as arguments overflow the stack.
  const widths = header.map((h) => h.length);
  for (const r of rows)
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], (r[i] ?? '').length);
  return [tableLine(header, widths), ...rows.map((r) => tableLine(r, widths))].join('\n');
}

function upDown(seconds: number | null): string {
  if (seconds === null) return 'never';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

/**
 * `herald neighbors`: FRR's `show ip bgp summary` columns (PfxSnt: routes advertised now), then why
 * each neighbor that is not up is not (its last error: a refused connect, a NOTIFICATION, …).
 */
export function neighborsTable(list: NeighborView[], more: readonly string[] = []): string {
  const table = formatTable(
    ['Neighbor', 'AS', 'MsgRcvd', 'MsgSent', 'Up/Down', 'State/PfxRcd', 'PfxSnt', 'Desc'],
    list.map((n) => [
      n.address,
      String(n.peerAsn ?? '?'),
      String(total(n.messages.received)),
      String(total(n.messages.sent)),
      upDown(n.uptimeSeconds),
      n.state === 'Established' ? String(n.prefixes.accepted) : n.state,
      String(n.prefixes.advertised),
      n.description ?? '',
    ]),
  );
  const notes = list
    .filter((n) => n.state !== 'Established' && n.lastError)
    .map((n) => `${n.address} is ${n.state}: ${n.lastError}`)
    .concat(more);
  return notes.length > 0 ? `${table}\n\n${notes.join('\n')}` : table;
}

export function announcementsTable(list: AnnouncementReport[]): string {
  const table = formatTable(
    ['Prefix', 'Source', 'State', 'Sent to', 'Health', 'Check'],
    list.map((a) => [
      a.prefix,
      a.source,
      a.announced
        ? a.degraded
          ? 'degraded'
          : 'announced'
        : a.shadowedBy
          ? `shadowed by ${a.shadowedBy}`
          : 'withdrawn',
      `${a.peers.filter((p) => p.sent).length}/${a.peers.length}`,
      a.health ? `${a.health.state}${a.health.lastResult ? ` (${a.health.lastResult})` : ''}` : '-',
      a.health?.check ?? '-',
    ]),
  );
  // Why a route does not go where it could, and what of it no neighbor gets.
  const notes = list.flatMap((a) => [
    ...(a.announced
      ? a.peers.filter((p) => !p.sent).map((p) => `${a.prefix} not sent to ${p.neighbor}: ${p.reason}`)
      : []),
    ...a.warnings.map((w) => `warning: ${w}`),
  ]);
  return notes.length > 0 ? `${table}\n\n${notes.join('\n')}` : table;
}

/** One line per kind of change a reload made, or "no changes". */
export function reloadText(r: ReloadResult): string {
  const lines = [
    ...r.neighborsAdded.map((a) => `neighbor ${a} added`),
    ...r.neighborsRemoved.map((a) => `neighbor ${a} removed`),
    ...r.neighborsReset.map((n) => `neighbor ${n.address} reset (${n.keys.join(', ')} changed)`),
    ...r.neighborsUpdated.map((n) => `neighbor ${n.address} updated in place (${n.keys.join(', ')})`),
    ...r.announcements.added.map((p) => `announcement ${p} added`),
    ...r.announcements.removed.map((p) => `announcement ${p} removed`),
    ...r.announcements.changed.map((p) => `announcement ${p} changed`),
    ...(r.announcements.reannounced ?? []).map(
      (p) => `announcement ${p} re-announced (was withdrawn through the API)`,
    ),
    ...(r.announcements.shadowed ?? []).map(
      (p) => `announcement ${p} still overridden by an API route (withdraw that to bring it back)`,
    ),
    ...(r.listenerRestarted ? ['BGP listener re-opened'] : []),
    ...r.needsRestart.map((k) => `${k} changed: takes effect after a restart`),
    ...(r.settingsChanged?.length ? [`settings changed: ${r.settingsChanged.join(', ')}`] : []),
  ];
  return lines.length > 0 ? `reloaded:\n  ${lines.join('\n  ')}` : 'reloaded: no changes';
}

/** `herald bfd`: one line per BFD session, like FRR's `show bfd peers brief` with the timers. */
export function bfdTable(list: BfdSessionView[]): string {
  const ms = (v: number | null) => (v === null ? '-' : String(v));
  return formatTable(
    ['Neighbor', 'State', 'Discr L/R', 'TX/RX ms', 'Mult', 'Detect', 'Up', 'Last down', 'BGP'],
    list.map((b) => [
      b.neighbor + (b.multihop ? ' (multihop)' : ''),
      b.state,
      `${b.localDiscriminator}/${b.remoteDiscriminator}`,
      `${ms(b.txInterval)}/${ms(b.rxInterval)}`,
      `${ms(b.multiplier)}/${ms(b.remoteMultiplier)}`,
      ms(b.detectionTime),
      upDown(b.uptimeSeconds),
      b.lastDownDiag ?? '-',
      b.error ? `runs without BFD: ${b.error}` : b.bgpHeld ? 'held down' : 'free',
    ]),
  );
}

/** `herald route PREFIX`: each path with its flags; the ones not chosen say why. */
export function prefixRouteText(v: PrefixRouteView): string {
  const rows = v.paths.map((p) => [
    `${p.stale ? 'S' : '*'}${p.best ? '>' : p.multipath ? '=' : ' '}`,
    p.neighbor === 'local' ? 'local (self)' : p.neighbor,
    p.nextHop ?? (p.neighbor === 'local' ? (v.prefix.includes(':') ? '::' : '0.0.0.0') : ''),
    p.asPath || 'i',
    p.localPref === null ? '' : String(p.localPref),
    p.med === null ? '' : String(p.med),
    p.best ? 'best' : p.multipath ? 'multipath' : (p.notBestBecause ?? ''),
  ]);
  return `${v.prefix}\n${formatTable(['', 'Neighbor', 'Next hop', 'AS path', 'LocPrf', 'MED', 'Why'], rows)}`;
}

/** `herald policy test`: the policy, and per path the verdict and the term that decided it. */
export function policyTestText(v: PolicyTestView): string {
  const head = `${v.direction} policy of ${v.neighbor} for ${v.prefix}: ${v.policy ?? '(none)'}`;
  if (v.refused) return `${head}\nnot sent: ${v.refused}`;
  if (v.paths.length === 0) return `${head}\nno path from this neighbor`;
  const rows = v.paths.map((p) => [
    String(p.pathId),
    p.accepted ? 'accept' : 'reject',
    p.decidedBy,
    p.nextHop ?? '',
    p.asPath || 'i',
    p.localPref === null ? '' : String(p.localPref),
    p.communities.join(' '),
  ]);
  return `${head}\n${formatTable(['Path', 'Verdict', 'Decided by', 'Next hop', 'AS path', 'LocPrf', 'Communities'], rows)}`;
}
