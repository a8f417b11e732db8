// Series of originated routes: per-source counts always, per-prefix series only up to
// metrics.prefixSeriesLimit, and health-check series per check whatever the count.
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop('test over');
  daemon = undefined;
});

async function scrape(metrics: string, announce: string): Promise<string> {
  daemon = new Daemon({
    config: parseConfig(`asn: 64512\nrouterId: 192.0.2.10\nlisten: false\n${metrics}announce:\n${announce}`),
    log: createLogger('silent'),
  });
  await daemon.start();
  return createMetrics(daemon).metrics();
}

const three =
  '  - { prefix: 198.51.100.1/32 }\n  - { prefix: 198.51.100.2/32 }\n' +
  '  - { prefix: 198.51.100.3/32, healthCheck: { command: "false", interval: 60 } }\n';

describe('announcement metrics', () => {
  it('exports a series per prefix up to the limit, with the counts by source and state', async () => {
    const text = await scrape('', three);
    expect(text).toContain('herald_announcement_active{prefix="198.51.100.1/32",source="config"} 1');
    expect(text).toContain('herald_announcement_active{prefix="198.51.100.2/32",source="config"} 1');
    expect(text).toContain('herald_announcements{source="config",state="announced"}');
    const counts = [...text.matchAll(/^herald_announcements\{source="config",state="(\w+)"\} (\d+)$/gm)];
    expect(counts.reduce((n, m) => n + Number(m[2]), 0)).toBe(3);
  });

  it('above metrics.prefixSeriesLimit keeps only the counts and the health-check series', async () => {
    const text = await scrape('metrics: { prefixSeriesLimit: 2 }\n', three);
    expect(text).not.toMatch(/^herald_announcement_active\{/m);
    const counts = [...text.matchAll(/^herald_announcements\{source="config",state="(\w+)"\} (\d+)$/gm)];
    expect(counts.reduce((n, m) => n + Number(m[2]), 0)).toBe(3);
    expect(text).toMatch(/^herald_health_check_up\{prefix="198\.51\.100\.3\/32"\} 0$/m);
    expect(text).not.toMatch(/^herald_health_check_up\{prefix="198\.51\.100\.1\/32"\}/m);
  });

  it('a limit of 0 turns the per-prefix series off', async () => {
    const text = await scrape('metrics: { prefixSeriesLimit: 0 }\n', '  - { prefix: 198.51.100.1/32 }\n');
    expect(text).not.toMatch(/^herald_announcement_active\{/m);
    expect(text).toMatch(/^herald_announcements\{source="config",state="announced"\} 1$/m);
  });

  it('rejects a limit that is not a count, naming its path', () => {
    expect(() =>
      parseConfig('asn: 64512\nrouterId: 192.0.2.10\nmetrics: { prefixSeriesLimit: -1 }\n'),
    ).toThrow(/metrics\.prefixSeriesLimit/);
  });
});
