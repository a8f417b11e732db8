// Reads a BGPAdvertisement (metallb.io/v1beta1) with MetalLB's per-resource rules: aggregation
// lengths 0..32 / 0..128 (default 32 / 128), no duplicate pools, communities, peers or selectors,
// and serviceSelectors only with host-length aggregation. Community names are resolved later
// (they may name a Community alias). Throws ResourceError. Pure.
import { Fields } from './fields.js';
import { readLabelSelectors } from './label-selector.js';
import type { BgpAdvertisement } from './metallb-types.js';

export function readBgpAdvertisement(raw: unknown): BgpAdvertisement {
  const { root, meta } = Fields.of('BGPAdvertisement', raw);
  const spec = root.object('spec');
  const ipAddressPools = spec.stringArray('ipAddressPools');
  const communities = spec.stringArray('communities');
  const peers = spec.stringArray('peers');
  spec.noDuplicates('ipAddressPools', ipAddressPools);
  spec.noDuplicates('communities', communities);
  spec.noDuplicates('peers', peers);
  const serviceSelectors = readLabelSelectors(spec, 'serviceSelectors');
  const aggregationLength = spec.int('aggregationLength', 0, 32) ?? 32;
  const aggregationLengthV6 = spec.int('aggregationLengthV6', 0, 128) ?? 128;
  if (serviceSelectors.length > 0 && aggregationLength !== 32) {
    spec.fail('aggregationLength', 'serviceSelectors and aggregationLength are mutually exclusive');
  }
  if (serviceSelectors.length > 0 && aggregationLengthV6 !== 128) {
    spec.fail('aggregationLengthV6', 'serviceSelectors and aggregationLengthV6 are mutually exclusive');
  }
  return {
    name: meta.name,
    namespace: meta.namespace,
    labels: meta.labels,
    aggregationLength,
    aggregationLengthV6,
    localPref: spec.int('localPref', 0, 0xffffffff) ?? 0,
    communities,
    ipAddressPools,
    ipAddressPoolSelectors: readLabelSelectors(spec, 'ipAddressPoolSelectors'),
    nodeSelectors: readLabelSelectors(spec, 'nodeSelectors'),
    peers,
    serviceSelectors,
  };
}
