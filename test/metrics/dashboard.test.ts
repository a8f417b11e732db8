// The Grafana dashboard and docs/metrics.md cannot drift from what Herald exports: every metric name
// (and every label matcher in the dashboard's queries) must exist in the registry, and every exported
// metric must be documented.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';

const root = new URL('../../', import.meta.url);
const dashboard = JSON.parse(readFileSync(new URL('deploy/grafana/herald-dashboard.json', root), 'utf8'));
const docs = readFileSync(new URL('docs/metrics.md', root), 'utf8');

const daemon = new Daemon({
  config: parseConfig(
    'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n',
  ),
  log: createLogger('silent'),
});
const registry = createMetrics(daemon);
/** Exported metric → its label names (Prometheus adds `instance` and `job` when scraping). */
const exported = new Map<string, Set<string>>();

beforeAll(async () => {
  await daemon.start();
  for (const m of await registry.getMetricsAsJSON()) {
    const labels = new Set([
      'instance',
      'job',
      ...((registry.getSingleMetric(m.name) as unknown as { labelNames: string[] }).labelNames ?? []),
    ]);
    if (String(m.type) === 'histogram') labels.add('le');
    exported.set(m.name, labels);
  }
});
afterAll(() => daemon.stop('test over'));

/** A histogram's series names map back to the histogram. */
const base = (name: string) => (exported.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''));

const METRIC = /\b((?:bgp|herald)_[a-zA-Z0-9_]*[a-zA-Z0-9])\b/g;

/** Every `expr` and variable query in the dashboard (rows may nest panels). */
function queries(): string[] {
  const out: string[] = [];
  const walk = (panels: { targets?: { expr?: string }[]; panels?: unknown[] }[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push(t.expr);
      if (p.panels) walk(p.panels as typeof panels);
    }
  };
  walk(dashboard.panels);
  for (const v of dashboard.templating.list) if (typeof v.definition === 'string') out.push(v.definition);
  return out;
}

describe('Grafana dashboard', () => {
  it('is a dashboard Grafana imports: schema, data source input, peer variable, unique panel ids', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }),
    );
    const vars = dashboard.templating.list.map((v: { name: string }) => v.name);
    expect(vars).toEqual(expect.arrayContaining(['DS_PROMETHEUS', 'peer', 'instance']));
    const ids: number[] = [];
    const datasources = new Set<string>();
    for (const p of dashboard.panels) {
      ids.push(p.id);
      expect(p.gridPos).toBeDefined();
      if (p.type === 'row') continue;
      datasources.add(p.datasource.uid);
      for (const t of p.targets) datasources.add(t.datasource.uid);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Grafana's placeholder, replaced on import (or resolved by the DS_PROMETHEUS variable).
    expect([...datasources]).toEqual(['$' + '{DS_PROMETHEUS}']);
    const titles = dashboard.panels.map((p: { title: string }) => p.title);
    for (const t of [
      'Sessions up',
      'Session state',
      'Session uptime',
      'Event-loop lag',
      'RIB memory (estimate)',
    ])
      expect(titles).toContain(t);
  });

  it('queries only metrics and labels Herald exports', () => {
    const used = new Set<string>();
    for (const q of queries()) {
      for (const [, name] of q.matchAll(METRIC)) {
        used.add(name);
        expect(exported.has(base(name)), `${name} in ${q}`).toBe(true);
      }
      for (const [, name, matchers] of q.matchAll(/\b((?:bgp|herald)_[a-zA-Z0-9_]+)\s*\{([^}]*)\}/g)) {
        for (const [, label] of matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
          expect(exported.get(base(name))?.has(label), `label ${label} of ${name}`).toBe(true);
        }
      }
    }
    // The panels the dashboard promises.
    for (const name of [
      'bgp_session_up',
      'bgp_session_state',
      'bgp_session_uptime_seconds',
      'bgp_prefixes',
      'bgp_messages_total',
      'bgp_notifications_total',
      'bgp_session_flaps_total',
      'bgp_update_treat_as_withdraw_total',
      'herald_rib_routes',
      'herald_rib_memory_bytes',
      'herald_attribute_sets',
      'herald_nodejs_eventloop_lag_p99_seconds',
      'herald_process_resident_memory_bytes',
      'herald_nodejs_heap_size_used_bytes',
    ])
      expect(used).toContain(name);
  });
});

describe('docs/metrics.md', () => {
  it('documents every exported metric, and names no metric Herald does not export', () => {
    // Anywhere in the text, examples and recording rules included (`metallb_bgp_…` names do not match).
    const named = new Set([...docs.matchAll(METRIC)].map((m) => m[1]));
    for (const name of named) expect(exported.has(base(name)), name).toBe(true);
    // Each exported metric has a table row of its own.
    // (MetalLB's names for the BFD series are exported too, so they have rows of their own.)
    const rows = new Set(
      [...docs.matchAll(/^\| `((?:bgp|herald|metallb)_[a-zA-Z0-9_]+)` \|/gm)].map((m) => m[1]),
    );
    for (const name of exported.keys()) expect(rows, name).toContain(name);
  });
});
