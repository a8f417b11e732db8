// Reads a BGPPeer (metallb.io/v1beta2) with MetalLB's rules: myASN required; exactly one of
// peerASN and dynamicASN (internal|external); no ebgpMultiHop towards our own AS; exactly one of
// peerAddress and interface; hold time 0 or ≥ 3 s, keepalive not above it (one given → the other
// derived: holdTime = 3 × keepaliveTime); connectTime whole seconds 1..65535; not both password
// and passwordSecret. Throws ResourceError. Pure.
import { md5KeyProblem } from '../sys/libc.js';
import { parseDuration } from './duration.js';
import { Fields } from './fields.js';
import { parseIp } from './ip-ranges.js';
import { readLabelSelectors } from './label-selector.js';
import type { BgpPeer } from './metallb-types.js';

/** A Go duration field in seconds (non-negative); shared with the FRRConfiguration reader. */
export function seconds(spec: Fields, key: string): number | undefined {
  const text = spec.string(key);
  if (text === undefined) return undefined;
  const s = parseDuration(text);
  if (s === undefined || s < 0) spec.fail(key, `must be a duration such as "90s" or "1m30s", got "${text}"`);
  return s;
}

/** An IP address field (of `family` when given); shared with the FRRConfiguration reader. */
export function ipField(spec: Fields, key: string, family?: 4): string | undefined {
  const text = spec.string(key);
  if (text === undefined || text === '') return undefined;
  const ip = parseIp(text);
  if (!ip || (family && ip.family !== family)) {
    spec.fail(key, `must be ${family ? 'an IPv4' : 'an IP'} address, got "${text}"`);
  }
  return text;
}

/** A BGP Identifier: RFC 6286 §2.1 makes it non-zero (peers refuse 0 with Bad BGP Identifier). */
export function routerIdField(spec: Fields, key: string): string | undefined {
  const id = ipField(spec, key, 4);
  if (id === '0.0.0.0') spec.fail(key, 'must not be 0.0.0.0 (a BGP Identifier is non-zero)');
  return id;
}

/** MetalLB's parseTimers: both, either (the other derived) or neither. */
function timers(spec: Fields): { holdTime?: number; keepaliveTime?: number } {
  const ht = seconds(spec, 'holdTime');
  const ka = seconds(spec, 'keepaliveTime');
  if (ht === undefined && ka === undefined) return {};
  const hold = Math.floor(ht ?? (ka as number) * 3);
  const keepalive = Math.floor(ka ?? (ht as number) / 3);
  if (hold !== 0 && hold < 3) spec.fail('holdTime', `must be 0 or at least 3s, got ${hold}s`);
  if (keepalive > hold) spec.fail('keepaliveTime', `must not exceed holdTime (${keepalive}s > ${hold}s)`);
  return { holdTime: hold, keepaliveTime: keepalive };
}

export function readBgpPeer(raw: unknown): BgpPeer {
  const { root, meta } = Fields.of('BGPPeer', raw);
  const spec = root.object('spec');
  const myASN = spec.int('myASN', 0, 0xffffffff) || spec.fail('myASN', 'is required');
  const peerASN = spec.int('peerASN', 0, 0xffffffff) || undefined;
  const dynamicASN = spec.string('dynamicASN') || undefined;
  if (peerASN === undefined && dynamicASN === undefined)
    spec.fail('peerASN', 'peerASN or dynamicASN is required');
  if (peerASN !== undefined && dynamicASN !== undefined)
    spec.fail('dynamicASN', 'not allowed together with peerASN');
  if (dynamicASN !== undefined && dynamicASN !== 'internal' && dynamicASN !== 'external') {
    spec.fail('dynamicASN', `must be "internal" or "external", got "${dynamicASN}"`);
  }
  const ibgp = peerASN === myASN || dynamicASN === 'internal';
  // FRR-K8s renders localASN as `local-as N no-prepend replace-as`, for eBGP sessions only.
  const localASN = spec.int('localASN', 1, 0xffffffff);
  if (localASN !== undefined && ibgp) spec.fail('localASN', 'not allowed for an iBGP peer');
  const ebgpMultiHop = spec.bool('ebgpMultiHop') ?? false;
  if (ebgpMultiHop && ibgp) {
    spec.fail('ebgpMultiHop', 'not allowed for an iBGP peer');
  }
  const peerAddress = ipField(spec, 'peerAddress');
  const iface = spec.string('interface') || undefined;
  if (peerAddress === undefined && iface === undefined)
    spec.fail('peerAddress', 'peerAddress or interface is required');
  if (peerAddress !== undefined && iface !== undefined)
    spec.fail('interface', 'not allowed together with peerAddress');
  const connectTime = seconds(spec, 'connectTime');
  if (
    connectTime !== undefined &&
    (!Number.isInteger(connectTime) || connectTime < 1 || connectTime > 65535)
  ) {
    spec.fail('connectTime', 'must be a whole number of seconds 1..65535');
  }
  const routerID = routerIdField(spec, 'routerID');
  const password = spec.string('password') || undefined;
  const keyProblem = password === undefined ? undefined : md5KeyProblem(password);
  if (keyProblem) spec.fail('password', keyProblem);
  const secret = spec.object('passwordSecret');
  const secretName = secret.string('name') || undefined;
  if (password !== undefined && secretName !== undefined) {
    spec.fail('passwordSecret', 'not allowed together with password');
  }
  return {
    name: meta.name,
    namespace: meta.namespace,
    labels: meta.labels,
    myASN,
    peerASN,
    dynamicASN: dynamicASN as BgpPeer['dynamicASN'],
    peerAddress,
    interface: iface,
    sourceAddress: ipField(spec, 'sourceAddress'),
    peerPort: spec.int('peerPort', 1, 16384) ?? 179,
    ...timers(spec),
    connectTime,
    routerID,
    nodeSelectors: readLabelSelectors(spec, 'nodeSelectors'),
    password,
    passwordSecret: secretName
      ? { name: secretName, namespace: secret.string('namespace') || undefined }
      : undefined,
    bfdProfile: spec.string('bfdProfile') || undefined,
    ebgpMultiHop,
    enableGracefulRestart: spec.bool('enableGracefulRestart') ?? false,
    vrf: spec.string('vrf') || undefined,
    dualStackAddressFamily: spec.bool('dualStackAddressFamily') ?? false,
    disableMP: spec.bool('disableMP') ?? false,
    localASN,
  };
}
