// forgetConfigValidator (issue 19): the running daemon drops the whole-document validator between
// reloads; the next validation compiles it again and judges exactly as before.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { ConfigError, forgetConfigValidator } from '../../src/config/validate.js';

const problemsOf = (text: string): string[] => {
  try {
    parseConfig(text);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
};

describe('forgetConfigValidator', () => {
  it('validates again after the validator was dropped, with the same verdicts and defaults', () => {
    const good = 'asn: 64512\nrouterId: 192.0.2.1\nneighbors:\n  - { address: 192.0.2.2, peerAsn: 65000 }\n';
    const bad = 'asn: 64512\nrouterId: 192.0.2.1\nneighbours: []\n';
    const before = { config: parseConfig(good), problems: problemsOf(bad) };
    forgetConfigValidator();
    const after = { config: parseConfig(good), problems: problemsOf(bad) };
    expect(before.problems.length).toBeGreaterThan(0);
    expect(after).toEqual(before);
    expect(after.config.neighbors[0].holdTime).toBe(90);
  });
});
