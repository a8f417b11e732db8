// Spec validation: every field's rule, named by field, and the TCP target syntax.
import { describe, expect, it } from 'vitest';
import { healthCheckSpecProblems, parseTcpTarget } from '../../src/health/spec.js';
import type { HealthCheckSpec } from '../../src/health/types.js';

const base = { interval: 5, timeout: 2, rise: 3, fall: 2 };

describe('parseTcpTarget', () => {
  it.each([
    ['127.0.0.1:80', { host: '127.0.0.1', port: 80 }],
    ['svc.example:8443', { host: 'svc.example', port: 8443 }],
    ['[::1]:65535', { host: '::1', port: 65535 }],
    ['[2001:db8::1]:1', { host: '2001:db8::1', port: 1 }],
  ])('parses %s', (text, target) => {
    expect(parseTcpTarget(text)).toEqual(target);
  });

  it.each(['127.0.0.1', '::1:80', '127.0.0.1:0', '127.0.0.1:65536', ':80', '[::1]', 'host:port', ''])(
    'rejects %j',
    (text) => {
      expect(parseTcpTarget(text)).toBeUndefined();
    },
  );
});

describe('healthCheckSpecProblems', () => {
  it.each<HealthCheckSpec>([
    { ...base, command: 'curl -fs http://127.0.0.1/' },
    { ...base, tcp: '[::1]:53' },
    { ...base, http: 'https://127.0.0.1:8443/health', expectStatus: [200, 301] },
    { interval: 0.05, timeout: 0.01, rise: 1, fall: 1, http: 'http://localhost/' },
  ])('accepts %j', (spec) => {
    expect(healthCheckSpecProblems(spec)).toEqual([]);
  });

  it('wants exactly one kind', () => {
    expect(healthCheckSpecProblems({ ...base })).toEqual([
      'exactly one of command, tcp, http must be set (got 0)',
    ]);
    expect(healthCheckSpecProblems({ ...base, command: 'true', tcp: '127.0.0.1:1' })).toEqual([
      'exactly one of command, tcp, http must be set (got 2)',
    ]);
  });

  it('names each bad field', () => {
    expect(healthCheckSpecProblems({ command: ' ', interval: 0, timeout: -1, rise: 1.5, fall: 0 })).toEqual([
      'command: must be a non-empty string',
      'interval: must be a number of seconds > 0',
      'timeout: must be a number of seconds > 0',
      'rise: must be an integer >= 1',
      'fall: must be an integer >= 1',
    ]);
    expect(healthCheckSpecProblems({ ...base, tcp: 'localhost' })).toEqual([
      'tcp: "localhost" is not HOST:PORT or [IPv6]:PORT',
    ]);
    expect(healthCheckSpecProblems({ ...base, http: 'ftp://host/' })).toEqual([
      'http: "ftp://host/" is not an http:// or https:// URL',
    ]);
    expect(healthCheckSpecProblems({ ...base, http: 'http://h/', expectStatus: [200, 99] })).toEqual([
      'expectStatus: must be a non-empty list of HTTP status codes (100-599)',
    ]);
    expect(healthCheckSpecProblems({ ...base, command: 'true', expectStatus: [200] })).toEqual([
      'expectStatus: only applies to http checks',
    ]);
  });
});
