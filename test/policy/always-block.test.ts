// Always-block (FRR-K8s --always-block): the CIDR and every prefix inside it are rejected in front
// of any import policy, whatever the policy says; a supernet or a neighbouring prefix is not; a
// neighbor without a policy keeps accepting everything else; no CIDRs changes nothing.
import { describe, expect, it } from 'vitest';
import { parseAlwaysBlock } from '../../src/config/always-block-flag.js';
import { ALWAYS_BLOCK, alwaysBlockTerm, evaluate, withAlwaysBlock } from '../../src/policy/index.js';
import { context, policy, route } from './helpers.js';

const block = alwaysBlockTerm(['10.244.0.0/16', 'fd00:10:96::/112']);
const verdict = (p: ReturnType<typeof withAlwaysBlock>, prefix: string) => {
  const r = evaluate(p!, route(prefix), context());
  return `${r.accepted ? 'accept' : 'reject'} by ${r.decidedBy}`;
};

describe('always-block', () => {
  it('rejects the CIDR and what is inside it, before a policy that accepts everything', () => {
    const p = withAlwaysBlock(policy({ default: 'accept' }), block);
    expect(verdict(p, '10.244.0.0/16')).toBe(`reject by ${ALWAYS_BLOCK}`);
    expect(verdict(p, '10.244.3.0/24')).toBe(`reject by ${ALWAYS_BLOCK}`);
    expect(verdict(p, '10.244.3.7/32')).toBe(`reject by ${ALWAYS_BLOCK}`);
    expect(verdict(p, 'fd00:10:96::1/128')).toBe(`reject by ${ALWAYS_BLOCK}`);
    expect(verdict(p, '10.0.0.0/8')).toBe('accept by default');
    expect(verdict(p, '10.245.0.0/16')).toBe('accept by default');
    expect(verdict(p, 'fd00:10:96::/64')).toBe('accept by default');
  });

  it('keeps the policy deciding the rest, and accepts the rest without a policy', () => {
    const strict = withAlwaysBlock(policy({ default: 'reject' }), block);
    expect(verdict(strict, '192.0.2.0/24')).toBe('reject by default');
    const none = withAlwaysBlock(undefined, block);
    expect(verdict(none, '192.0.2.0/24')).toBe('accept by default');
    expect(verdict(none, '10.244.1.0/24')).toBe(`reject by ${ALWAYS_BLOCK}`);
    expect(none?.needsAttributes).toBe(false);
  });

  it('changes nothing without CIDRs', () => {
    const p = policy({ default: 'accept' });
    expect(alwaysBlockTerm([])).toBeUndefined();
    expect(withAlwaysBlock(p, undefined)).toBe(p);
    expect(withAlwaysBlock(undefined, undefined)).toBeUndefined();
  });
});

describe('--always-block', () => {
  it("reads FRR-K8s's form: commas, spaces, host bits cleared", () => {
    expect(parseAlwaysBlock('10.244.0.0/16, fd00:10:96::/112 ,192.168.1.5/24')).toEqual([
      '10.244.0.0/16',
      'fd00:10:96::/112',
      '192.168.1.0/24',
    ]);
    expect(parseAlwaysBlock('')).toEqual([]);
    expect(() => parseAlwaysBlock('10.244.0.0/16,pods')).toThrow(/--always-block: invalid prefix "pods"/);
    expect(() => parseAlwaysBlock('10.0.0.0/33')).toThrow(/length must be 0\.\.32/);
  });
});
