// The order of prefixes in CLI tables, as FRR's `show ip bgp` lists them: IPv4 before IPv6, then by
// address numerically, then shorter prefixes first. Rows of one prefix keep their order (the API
// lists the best path of a prefix first): src/cli/routes-text.ts sorts by this key.
import ipaddr from 'ipaddr.js';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/**
 * A key whose string order is the table's order: "4" or "6" (the family), the address's octets and
 * the length in two hex digits each. A string, not an array of octets: a full table's keys are then
 * 577,000 short strings.
 */
export function prefixSortKey(prefix: string): string {
  const slash = prefix.indexOf('/');
  const length = Number(prefix.slice(slash + 1));
  try {
    if (slash < 0 || !Number.isInteger(length) || length < 0 || length > 128) throw new Error();
    const bytes = ipaddr.parse(prefix.slice(0, slash)).toByteArray();
    return `${bytes.length === 4 ? '4' : '6'}${bytes.map(hex2).join('')}${hex2(length)}`;
  } catch {
    // Not a prefix (should not happen): after every real prefix, in the order given.
    return '9';
  }
}
