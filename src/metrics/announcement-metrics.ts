// Series of the routes Herald originates. Per-source counts are always exported; the per-prefix
// `herald_announcement_active` only while there are at most `metrics.prefixSeriesLimit` routes
// (default 10,000): a series per prefix at 100,000 API announcements made each scrape tens of
// megabytes, what Prometheus's advice on label cardinality warns against. Health-check series stay
// per prefix (one per check). Computed from live state at scrape time.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Daemon } from '../daemon/daemon.js';

/** The default of `metrics.prefixSeriesLimit`. */
export const DEFAULT_PREFIX_SERIES_LIMIT = 10_000;

export function registerAnnouncementMetrics(registry: Registry, daemon: Daemon): void {
  const announcements = () => daemon.announcements;
  const healthChecked = () => announcements().views(true);

  new Gauge({
    name: 'herald_announcements',
    help: 'Routes Herald originates, by source and state (announced, or withdrawn by a health check or the API)',
    labelNames: ['source', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of announcements().states())
        this.inc({ source: a.source, state: a.announced ? 'announced' : 'withdrawn' });
    },
  });
  new Gauge({
    name: 'herald_announcement_active',
    help: 'Routes Herald originates: 1 while announced to peers, 0 while withdrawn (only while there are at most metrics.prefixSeriesLimit of them)',
    labelNames: ['prefix', 'source'],
    registers: [registry],
    collect() {
      this.reset();
      const limit = daemon.config.metrics?.prefixSeriesLimit ?? DEFAULT_PREFIX_SERIES_LIMIT;
      if (announcements().size > limit) return;
      for (const a of announcements().views())
        this.set({ prefix: a.prefix, source: a.source }, a.announced ? 1 : 0);
    },
  });
  new Gauge({
    name: 'herald_health_check_up',
    help: 'Health check of an announcement: 1 healthy, 0 unhealthy or not yet probed',
    labelNames: ['prefix'],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of healthChecked()) this.set({ prefix: a.prefix }, a.health?.state === 'up' ? 1 : 0);
    },
  });
  new Counter({
    name: 'herald_health_check_probes_total',
    help: 'Health-check probes of an announcement by result',
    labelNames: ['prefix', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { prefix, health } of healthChecked()) {
        if (!health) continue;
        this.inc({ prefix, result: 'success' }, health.successes);
        this.inc({ prefix, result: 'failure' }, health.failures);
      }
    },
  });
}
