// Reads a BFDProfile (metallb.io/v1beta1) with MetalLB's ranges: intervals 10..60000 ms, detect
// multiplier 2..255, minimum TTL 1..254. Kept for the BFD issue. Throws ResourceError. Pure.
import { Fields } from './fields.js';
import type { BfdProfile } from './metallb-types.js';

export function readBfdProfile(raw: unknown): BfdProfile {
  const { root, meta } = Fields.of('BFDProfile', raw);
  return {
    name: meta.name,
    namespace: meta.namespace,
    labels: meta.labels,
    ...readBfdFields(root.object('spec')),
  };
}

/** The profile's parameters (also inline in an FRRConfiguration's spec.bgp.bfdProfiles[]). */
export function readBfdFields(spec: Fields): Omit<BfdProfile, 'name' | 'namespace' | 'labels'> {
  return {
    receiveInterval: spec.int('receiveInterval', 10, 60000),
    transmitInterval: spec.int('transmitInterval', 10, 60000),
    detectMultiplier: spec.int('detectMultiplier', 2, 255),
    echoInterval: spec.int('echoInterval', 10, 60000),
    echoMode: spec.bool('echoMode') ?? false,
    passiveMode: spec.bool('passiveMode') ?? false,
    minimumTtl: spec.int('minimumTtl', 1, 254),
  };
}
