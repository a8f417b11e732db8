// The logger's safety-net redaction hides secrets that are set and adds none that are not: a
// `<redacted>` password on a neighbor without one would claim there is a key (issue 22).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';

function jsonLines() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { log: createLogger('info', { format: 'json', destination: stream }), lines };
}

describe('log redaction', () => {
  it('replaces secrets that are set and leaves absent ones absent', () => {
    const { log, lines } = jsonLines();
    log.info({
      config: {
        api: { listen: '127.0.0.1:9179' },
        neighbors: [{ address: '10.0.0.1' }, { address: '10.0.0.2', password: 's3cret' }],
      },
    });
    log.info({ token: 'abc' });
    expect(lines[0].config).toEqual({
      api: { listen: '127.0.0.1:9179' },
      neighbors: [{ address: '10.0.0.1' }, { address: '10.0.0.2', password: '<redacted>' }],
    });
    expect(lines[1].token).toBe('<redacted>');
    expect(JSON.stringify(lines)).not.toContain('s3cret');
  });
});
