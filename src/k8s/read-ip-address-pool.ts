// Reads an IPAddressPool (metallb.io/v1beta1) as MetalLB does: at least one address entry, each
// a CIDR or an `a-b` range; autoAssign defaults to true; serviceAllocation with priority,
// namespaces (no duplicates), namespaceSelectors and serviceSelectors. Throws ResourceError. Pure.
import { Fields } from './fields.js';
import { parseAddressRange } from './ip-ranges.js';
import { readLabelSelectors } from './label-selector.js';
import type { IpAddressPool } from './metallb-types.js';

export function readIpAddressPool(raw: unknown): IpAddressPool {
  const { root, meta } = Fields.of('IPAddressPool', raw);
  const spec = root.object('spec');
  const texts = spec.stringArray('addresses');
  if (texts.length === 0) spec.fail('addresses', 'must hold at least one CIDR or range');
  const addresses = texts.map((text, i) => {
    const cidrs = parseAddressRange(text);
    if (typeof cidrs === 'string') return spec.fail(`addresses[${i}]`, cidrs);
    return { text, cidrs };
  });
  const pool: IpAddressPool = {
    name: meta.name,
    namespace: meta.namespace,
    labels: meta.labels,
    addresses,
    autoAssign: spec.bool('autoAssign') ?? true,
    avoidBuggyIPs: spec.bool('avoidBuggyIPs') ?? false,
  };
  if (spec.has('serviceAllocation')) {
    const sa = spec.object('serviceAllocation');
    const namespaces = sa.stringArray('namespaces');
    sa.noDuplicates('namespaces', namespaces);
    pool.serviceAllocation = {
      priority: sa.int('priority', -2147483648, 2147483647),
      namespaces,
      namespaceSelectors: readLabelSelectors(sa, 'namespaceSelectors'),
      serviceSelectors: readLabelSelectors(sa, 'serviceSelectors'),
    };
  }
  return pool;
}
