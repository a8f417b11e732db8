// `herald fib`: where Herald installs the routes it learns, how many are in the kernel, and each
// one held back or refused with the reason (like `birdc show protocols all kernel1` plus the
// routes it could not export).
import type { FibView } from '../api/fib.js';
import { formatTable } from './tables.js';

export function fibText(v: FibView): string {
  if (!v.enabled) return 'kernel routes are off (fib.enabled: false): received routes stay in BGP';
  const c = v.routes;
  const head = [
    `table ${v.table}, metric ${v.metric}, protocol ${v.protocol}${v.prefixList ? `, prefix list ${v.prefixList}` : ''}`,
    c
      ? `${c.installed} installed of ${c.desired} desired; ${c.held} held back, ${c.failed} refused by the kernel, ${c.pending} pending`
      : 'not started yet',
  ];
  if (v.notInstalled.length === 0) return head.join('\n');
  const rows = v.notInstalled.map((r) => [r.prefix, String(r.table), r.state, r.reason]);
  return `${head.join('\n')}\n${formatTable(['Prefix', 'Table', 'State', 'Reason'], rows)}`;
}
