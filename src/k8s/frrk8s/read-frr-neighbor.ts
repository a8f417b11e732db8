// Reads one neighbor of an FRRConfiguration router with FRR-K8s's rules (its API validation and
// apiToFRR): exactly one of address and interface, exactly one of asn and dynamicASN
// (internal|external), port 0..16384, holdTime and keepaliveTime both or neither (hold 0 or ≥ 3 s,
// keepalive not above it), connectTime whole seconds 1..65535, not both password and
// passwordSecret, a bfdProfile of the same configuration, no localASN towards iBGP. toAdvertise
// may only name the router's own prefixes (a configuration is self-contained), withLocalPref and
// withCommunity only prefixes it advertises, one LOCAL_PREF per prefix; toReceive selectors need
// len <= ge <= le. Throws ResourceError. Pure.
import { md5KeyProblem } from '../../sys/libc.js';
import { parseCommunityValue } from '../community.js';
import type { Fields } from '../fields.js';
import { formatCidr, parseCidr, parseIp } from '../ip-ranges.js';
import { ipField, seconds } from '../read-bgp-peer.js';
import type { AllowMode, FrrNeighbor, PrefixSelector, ToAdvertise, ToReceive } from './types.js';

/** A CIDR in canonical form; fails on a bad one or one with host bits set. */
export function cidrField(f: Fields, key: string | number, text: string): string {
  const c = parseCidr(text);
  if (!c) f.fail(key, `must be a CIDR such as "192.0.2.0/24", got "${text}"`);
  const canonical = formatCidr(c);
  const given = parseCidr(`${text.slice(0, text.indexOf('/'))}/${c.family === 4 ? 32 : 128}`);
  if (given && given.base !== c.base) f.fail(key, `host bits set in "${text}" (did you mean ${canonical}?)`);
  return canonical;
}

function mode(allowed: Fields): AllowMode {
  const m = allowed.string('mode') || 'filtered';
  if (m !== 'all' && m !== 'filtered') allowed.fail('mode', `must be "all" or "filtered", got "${m}"`);
  return m;
}

function cidrList(f: Fields, key: string): string[] {
  const items = f.stringArray(key);
  return items.map((text, i) => cidrField(f, `${key}[${i}]`, text));
}

function toAdvertise(n: Fields, routerPrefixes: ReadonlySet<string>): ToAdvertise {
  const adv = n.object('toAdvertise');
  const allowed = adv.object('allowed');
  const m = mode(allowed);
  const listed = cidrList(allowed, 'prefixes');
  listed.forEach((p, i) => {
    if (!routerPrefixes.has(p))
      allowed.fail(
        `prefixes[${i}]`,
        `${p} is not one of the router's prefixes (a configuration is self-contained)`,
      );
  });
  const advertised = new Set(m === 'all' ? routerPrefixes : listed);
  const localPref: Record<string, number> = {};
  adv.objectArray('withLocalPref').forEach((w: Fields) => {
    const value = w.int('localPref', 0, 0xffffffff) ?? w.fail('localPref', 'is required');
    for (const [i, p] of cidrList(w, 'prefixes').entries()) {
      if (!advertised.has(p)) w.fail(`prefixes[${i}]`, `${p} is not advertised to this neighbor`);
      const was = localPref[p];
      if (was !== undefined && was !== value)
        w.fail(`prefixes[${i}]`, `${p} has both local preference ${was} and ${value}`);
      localPref[p] = value;
    }
  });
  const communities: Record<string, string[]> = {};
  adv.objectArray('withCommunity').forEach((w: Fields) => {
    const text = w.requiredString('community');
    const parsed = parseCommunityValue(text);
    if (typeof parsed === 'string')
      w.fail(
        'community',
        parsed === 'notACommunity' ? `"${text}" is not a community ("a:b" or "large:a:b:c")` : parsed,
      );
    for (const [i, p] of cidrList(w, 'prefixes').entries()) {
      if (!advertised.has(p)) w.fail(`prefixes[${i}]`, `${p} is not advertised to this neighbor`);
      communities[p] = [...new Set([...(communities[p] ?? []), parsed.text])].sort();
    }
  });
  const nextHop = adv.object('nextHop');
  if (nextHop.has('ipv4') || nextHop.has('ipv6'))
    adv.fail('nextHop', 'a next hop per neighbor is not supported (Herald sends next-hop self)');
  return { mode: m, prefixes: [...advertised].sort(), localPref, communities };
}

function selector(s: Fields): PrefixSelector {
  const prefix = cidrField(s, 'prefix', s.requiredString('prefix'));
  const length = Number(prefix.slice(prefix.indexOf('/') + 1));
  const ge = s.int('ge', 1, 128);
  const le = s.int('le', 1, 128);
  if (ge !== undefined && le !== undefined && ge > le) s.fail('ge', `${ge} is bigger than le ${le}`);
  if (le !== undefined && length > le) s.fail('le', `must not be below the prefix length ${length}`);
  if (ge !== undefined && length > ge) s.fail('ge', `must not be below the prefix length ${length}`);
  const max = prefix.includes(':') ? 128 : 32;
  if ((ge ?? 0) > max || (le ?? 0) > max)
    s.fail(ge !== undefined && ge > max ? 'ge' : 'le', `must be at most ${max}`);
  return { prefix, ...(ge !== undefined && { ge }), ...(le !== undefined && { le }) };
}

function toReceive(n: Fields): ToReceive {
  const allowed = n.object('toReceive').object('allowed');
  const m = mode(allowed);
  return { mode: m, prefixes: m === 'all' ? [] : allowed.objectArray('prefixes').map(selector) };
}

/** parseTimers: both or neither; hold 0 or ≥ 3 s; keepalive not above hold. */
function timers(n: Fields): { holdTime?: number; keepaliveTime?: number } {
  const ht = seconds(n, 'holdTime');
  const ka = seconds(n, 'keepaliveTime');
  if (ht === undefined && ka === undefined) return {};
  if (ht === undefined || ka === undefined)
    n.fail(
      ht === undefined ? 'holdTime' : 'keepaliveTime',
      'holdTime and keepaliveTime must be set together',
    );
  const hold = Math.floor(ht);
  if (hold !== 0 && hold < 3) n.fail('holdTime', `must be 0 or at least 3s, got ${ht}s`);
  if (ka > ht) n.fail('keepaliveTime', `must not exceed holdTime (${ka}s > ${ht}s)`);
  return { holdTime: hold, keepaliveTime: Math.floor(ka) };
}

/** sourceaddress: FRR-K8s also takes an interface name there; Herald binds to an address only. */
function sourceAddress(n: Fields): string | undefined {
  const text = n.string('sourceaddress') || undefined;
  if (text !== undefined && parseIp(text) === undefined)
    n.fail('sourceaddress', `"${text}": an interface name is not supported, give an IP address`);
  return text;
}

export function readFrrNeighbor(
  n: Fields,
  router: { asn: number; prefixes: ReadonlySet<string> },
  bfdProfiles: ReadonlySet<string>,
): FrrNeighbor {
  const address = ipField(n, 'address');
  const iface = n.string('interface') || undefined;
  if (address === undefined && iface === undefined) n.fail('address', 'address or interface is required');
  if (address !== undefined && iface !== undefined) n.fail('interface', 'not allowed together with address');
  const asn = n.int('asn', 0, 0xffffffff) || undefined;
  const dynamicASN = n.string('dynamicASN') || undefined;
  if (asn === undefined && dynamicASN === undefined) n.fail('asn', 'asn or dynamicASN is required');
  if (asn !== undefined && dynamicASN !== undefined) n.fail('dynamicASN', 'not allowed together with asn');
  if (dynamicASN !== undefined && dynamicASN !== 'internal' && dynamicASN !== 'external')
    n.fail('dynamicASN', `must be "internal" or "external", got "${dynamicASN}"`);
  const connectTime = seconds(n, 'connectTime');
  if (connectTime !== undefined && (!Number.isInteger(connectTime) || connectTime < 1 || connectTime > 65535))
    n.fail('connectTime', 'must be a whole number of seconds 1..65535');
  const password = n.string('password') || undefined;
  const keyProblem = password === undefined ? undefined : md5KeyProblem(password);
  if (keyProblem) n.fail('password', keyProblem);
  const secret = n.object('passwordSecret');
  const secretName = secret.string('name') || undefined;
  if (password !== undefined && secretName !== undefined)
    n.fail('passwordSecret', 'not allowed together with password');
  const bfdProfile = n.string('bfdProfile') || undefined;
  if (bfdProfile !== undefined && !bfdProfiles.has(bfdProfile))
    n.fail('bfdProfile', `no bfdProfiles entry named "${bfdProfile}" in this configuration`);
  const localASN = n.int('localASN', 1, 0xffffffff);
  if (localASN !== undefined && (asn === router.asn || dynamicASN === 'internal'))
    n.fail('localASN', 'not allowed for an iBGP neighbor');
  const families = n.stringArray('addressFamilies');
  families.forEach((f, i) => {
    if (f === 'evpn') n.fail(`addressFamilies[${i}]`, 'EVPN is not supported');
    if (f !== 'unicast') n.fail(`addressFamilies[${i}]`, `must be "unicast" or "evpn", got "${f}"`);
  });
  return {
    address,
    interface: iface,
    asn,
    dynamicASN: dynamicASN as FrrNeighbor['dynamicASN'],
    port: n.int('port', 0, 16384),
    sourceAddress: sourceAddress(n),
    password,
    passwordSecret: secretName
      ? { name: secretName, namespace: secret.string('namespace') || undefined }
      : undefined,
    ...timers(n),
    connectTime,
    ebgpMultiHop: n.bool('ebgpMultiHop') ?? false,
    bfdProfile,
    enableGracefulRestart: n.bool('enableGracefulRestart') ?? false,
    toAdvertise: toAdvertise(n, router.prefixes),
    toReceive: toReceive(n),
    dualStackAddressFamily: n.bool('dualStackAddressFamily') ?? false,
    localASN,
  };
}
