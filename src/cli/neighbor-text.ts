// `herald neighbor ADDR` as text, in the spirit of FRR's `show bgp neighbors ADDR`: identity and
// state first, then why it is not up (last error), then prefixes and message counters.
import type { NeighborView } from '../api/views.js';
import { formatTable } from './tables.js';

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const hms = [h, m, s].map((x) => String(x).padStart(2, '0')).join(':');
  return d > 0 ? `${d}d ${hms}` : hms;
}

export function neighborText(n: NeighborView): string {
  const link = n.peerAsn === null ? '' : n.peerAsn === n.localAsn ? ', internal link' : ', external link';
  const lines = [
    `BGP neighbor is ${n.address}, remote AS ${n.peerAsn ?? '?'}, local AS ${n.localAsn}${link}`,
  ];
  if (n.description) lines.push(`  Description: ${n.description}`);
  if (n.routeReflectorClient) lines.push('  Route-reflector client');
  lines.push(
    `  BGP state = ${n.state}${n.uptimeSeconds === null ? '' : `, up for ${duration(n.uptimeSeconds)}`}`,
  );
  if (n.lastError) lines.push(`  Last error: ${n.lastError}`);
  if (n.holdTime !== null) lines.push(`  Hold time: ${n.holdTime} seconds`);
  if (n.capabilities.length > 0) lines.push(`  Capabilities received: ${n.capabilities.join(', ')}`);
  const p = n.prefixes;
  lines.push(
    `  Prefixes: ${p.received} received, ${p.accepted} accepted, ${p.advertised} advertised, ` +
      `${p.stale} stale, ${p.rejectedAsLoop} rejected as loops, ${p.rejectedInvalid} rejected as invalid` +
      (p.rejectedAlwaysBlock > 0 ? `, ${p.rejectedAlwaysBlock} always blocked` : ''),
    `  Flaps: ${n.flaps}, UPDATEs treated as withdraw: ${n.treatAsWithdraw}`,
    '',
    indent(
      formatTable(
        ['Messages', 'Sent', 'Rcvd'],
        Object.keys(n.messages.sent).map((k) => [
          k,
          String(n.messages.sent[k] ?? 0),
          String(n.messages.received[k] ?? 0),
        ]),
      ),
    ),
  );
  if (n.routesNotSent.length > 0)
    lines.push(
      '',
      indent(
        formatTable(
          ['Not sent', 'Why'],
          n.routesNotSent.map((r) => [r.prefix, r.reason]),
        ),
      ),
    );
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
