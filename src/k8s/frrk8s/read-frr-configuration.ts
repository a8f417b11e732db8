// Reads an FRRConfiguration (frrk8s.metallb.io/v1beta1) unchanged: spec.nodeSelector,
// spec.bgp.routers[] (asn, id, vrf, prefixes, neighbors) and spec.bgp.bfdProfiles[], with
// FRR-K8s's checks (bfd profile names unique in a configuration, router prefixes valid CIDRs,
// the neighbors' rules in read-frr-neighbor.ts). What Herald cannot do is an error naming the
// field, never silently dropped: spec.raw (raw FRR configuration), router imports and evpn.
// Throws ResourceError. Pure.
import { Fields } from '../fields.js';
import { readLabelSelector } from '../label-selector.js';
import { readBfdFields } from '../read-bfd-profile.js';
import { routerIdField } from '../read-bgp-peer.js';
import { cidrField, readFrrNeighbor } from './read-frr-neighbor.js';
import type { FrrBfdProfile, FrrConfiguration, FrrRouter } from './types.js';

export const FRR_CONFIGURATION = 'FRRConfiguration';

function readRouter(r: Fields, bfdProfiles: ReadonlySet<string>): FrrRouter {
  if (!r.has('asn')) r.fail('asn', 'is required');
  const asn = r.int('asn', 0, 0xffffffff) as number;
  if (r.has('imports') && r.objectArray('imports').length > 0)
    r.fail('imports', 'importing routes from another VRF is not supported');
  if (r.has('evpn')) r.fail('evpn', 'EVPN is not supported');
  const prefixes = r.stringArray('prefixes').map((text, i) => cidrField(r, `prefixes[${i}]`, text));
  const own = new Set(prefixes);
  return {
    asn,
    id: routerIdField(r, 'id'),
    vrf: r.string('vrf') ?? '',
    prefixes: [...own],
    neighbors: r.objectArray('neighbors').map((n) => readFrrNeighbor(n, { asn, prefixes: own }, bfdProfiles)),
  };
}

function readBfdProfiles(bgp: Fields): FrrBfdProfile[] {
  const seen = new Set<string>();
  return bgp.objectArray('bfdProfiles').map((b) => {
    const name = b.requiredString('name');
    if (seen.has(name)) b.fail('name', `duplicate bfd profile name "${name}"`);
    seen.add(name);
    return { name, ...readBfdFields(b) };
  });
}

export function readFrrConfiguration(raw: unknown): FrrConfiguration {
  const { root, meta } = Fields.of(FRR_CONFIGURATION, raw);
  const spec = root.object('spec');
  const rawConfig = spec.object('raw');
  if (rawConfig.string('rawConfig'))
    spec.fail('raw', 'raw FRR configuration is not supported by Herald; the configuration is left out');
  const bgp = spec.object('bgp');
  const bfdProfiles = readBfdProfiles(bgp);
  const names = new Set(bfdProfiles.map((b) => b.name));
  return {
    name: meta.name,
    namespace: meta.namespace,
    labels: meta.labels,
    createdAt: root.object('metadata').string('creationTimestamp') ?? '',
    nodeSelector: readLabelSelector(spec.object('nodeSelector')),
    routers: bgp.objectArray('routers').map((r) => readRouter(r, names)),
    bfdProfiles,
  };
}
