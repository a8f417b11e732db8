// `herald run --always-block` (or HERALD_ALWAYS_BLOCK) as FRR-K8s takes it: CIDRs separated by
// commas, spaces around them ignored, host bits cleared ("10.244.1.0/16" is 10.244.0.0/16, as Go's
// net.ParseCIDR reads it). Throws on a value that is not a prefix. Pure.
import { formatPrefix, parsePrefix } from '../wire/index.js';

export function parseAlwaysBlock(text: string): string[] {
  const out: string[] = [];
  for (const item of text.split(',')) {
    const cidr = item.trim();
    if (cidr === '') continue;
    try {
      out.push(formatPrefix(parsePrefix(cidr)));
    } catch (e) {
      throw new Error(`--always-block: ${(e as Error).message}`);
    }
  }
  return [...new Set(out)];
}
