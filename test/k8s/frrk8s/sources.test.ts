// The FRRConfigurations selecting a node, with password secrets resolved (a missing or wrong
// Secret leaves the configuration out with the reason).
import { describe, expect, it } from 'vitest';
import { buildClusterView, groupByKind } from '../../../src/k8s/cluster-view.js';
import { frrSources } from '../../../src/k8s/frrk8s/sources.js';
import { frrConfiguration, node, secret } from '../resources.js';

const neighbor = (extra: Record<string, unknown>) => ({
  bgp: { routers: [{ asn: 64512, neighbors: [{ address: '10.0.0.1', asn: 65000, ...extra }] }] },
});

describe('frrSources', () => {
  const view = buildClusterView(
    groupByKind([
      node('n1', { labels: { rack: 'r1' } }),
      secret('bgp', 'kubernetes.io/basic-auth', { password: 's3cret' }),
      secret('opaque', 'Opaque', { password: 'x' }),
      frrConfiguration('older', neighbor({ passwordSecret: { name: 'bgp' } }), '2026-01-01T00:00:00Z'),
      frrConfiguration(
        'newer',
        { nodeSelector: { matchLabels: { rack: 'r1' } }, ...neighbor({}) },
        '2026-02-01T00:00:00Z',
      ),
      frrConfiguration('elsewhere', { nodeSelector: { matchLabels: { rack: 'r2' } }, ...neighbor({}) }),
      frrConfiguration(
        'wrong-secret',
        neighbor({ passwordSecret: { name: 'opaque' } }),
        '2026-03-01T00:00:00Z',
      ),
    ]),
  );

  it('keeps those selecting the node, oldest first, with the Secret password read', () => {
    const { sources, problems } = frrSources(
      view.frrConfigurations ?? [],
      view.secrets,
      view.nodes.get('n1'),
    );
    expect(sources.map((s) => s.name)).toEqual([
      'FRRConfiguration metallb-system/older',
      'FRRConfiguration metallb-system/newer',
    ]);
    expect(sources[0].routers[0].neighbors[0].password).toBe('s3cret');
    expect(problems).toEqual([
      {
        resource: 'FRRConfiguration metallb-system/wrong-secret',
        field: 'spec.bgp.routers[0].neighbors[0].passwordSecret',
        message:
          'FRRConfiguration metallb-system/wrong-secret: spec.bgp.routers[0].neighbors[0].passwordSecret: Secret metallb-system/opaque must be of type kubernetes.io/basic-auth, not Opaque',
      },
    ]);
  });

  it('gives nothing for an unknown node', () => {
    expect(frrSources(view.frrConfigurations ?? [], view.secrets, undefined).sources).toEqual([]);
  });
});
