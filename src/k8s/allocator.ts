// The MetalLB controller's job, as a pure function: which IPs each LoadBalancer service gets from
// the IPAddressPools. Declarative: every call computes the whole assignment from the services'
// current status and the pools, so the elected allocator can write the difference and a new
// leader computes the same answer.
//
// The rules are MetalLB's: a service keeps the IPs its status already holds while they stay valid
// (in one pool, matching what it requests); older services keep a contested IP. Otherwise the IPs
// it requests (metallb.io/loadBalancerIPs, else spec.loadBalancerIP) must lie in one pool; a pool
// it names (metallb.io/address-pool) is used even with autoAssign false; else the pools whose
// serviceAllocation selects it (by priority: lower first, none last), then every other autoAssign
// pool without serviceAllocation (by name). Within a pool the lowest free address wins, skipping
// .0 and .255 with avoidBuggyIPs. Dual-stack services get one IP of each family from the same
// pool (PreferDualStack settles for one). Services share an IP only with the same
// metallb.io/allow-shared-ip key, no port in common, and — with externalTrafficPolicy Local —
// the same pod selector.
import type { Service } from './core-types.js';
import { type Cidr, type Family, formatIp, lastOf, parseIp } from './ip-ranges.js';
import { anySelectorMatches } from './label-selector.js';
import type { IpAddressPool } from './metallb-types.js';

export type AllocationFailure =
  /** A requested IP is not an IP, or more than one per family. */
  | 'invalidRequest'
  /** A requested IP lies in no pool (or the requested IPs in different pools). */
  | 'ipNotInPool'
  /** A requested IP is held by a service it may not share with. */
  | 'ipInUse'
  /** The pool named by metallb.io/address-pool does not exist. */
  | 'unknownPool'
  /** The requested IPs are not in the pool named by metallb.io/address-pool. */
  | 'poolMismatch'
  /** No pool the service may use has a free address of the families it needs. */
  | 'noAvailableIPs';

export interface Allocation {
  /** "namespace/name" */
  service: string;
  /** One per family, in the service's family order. */
  ips: string[];
  pool: string;
}

export interface AllocationError {
  service: string;
  reason: AllocationFailure;
  detail: string;
}

export interface PoolCounters {
  pool: string;
  assignedIPv4: number;
  availableIPv4: number;
  assignedIPv6: number;
  availableIPv6: number;
}

export interface AllocationPlan {
  /** Services this allocator serves, in service order: their IPs or why they have none. */
  results: (Allocation | AllocationError)[];
  /** Services it no longer serves (no longer type LoadBalancer) whose status still holds its IPs. */
  released: string[];
  pools: PoolCounters[];
}

export interface AllocatorOptions {
  /** The spec.loadBalancerClass served (default: services without a class). */
  loadBalancerClass?: string;
  /** Namespace labels, for serviceAllocation.namespaceSelectors. */
  namespaceLabels?: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

export function isAllocation(r: Allocation | AllocationError): r is Allocation {
  return 'ips' in r;
}

const keyOf = (s: Service) => `${s.namespace}/${s.name}`;
const familyName = (f: Family) => (f === 4 ? 'IPv4' : 'IPv6');

/** What makes two services compatible on one IP. */
interface Sharing {
  key: string | undefined;
  backend: string;
  ports: string[];
}

function sharingOf(s: Service): Sharing {
  // Policy Local sends traffic only to local endpoints: sharing services must select the same pods.
  const backend =
    s.externalTrafficPolicy === 'Local'
      ? JSON.stringify(Object.entries(s.selector).sort(([a], [b]) => (a < b ? -1 : 1)))
      : '';
  return { key: s.allowSharedIp, backend, ports: s.ports.map((p) => `${p.protocol}/${p.port}`) };
}

interface Use extends Sharing {
  service: string;
}

/** Which services hold each IP: the guard against a double assignment. */
class Holdings {
  private readonly byIp = new Map<string, Use[]>();
  /** The IPs held under each metallb.io/allow-shared-ip key: the only held IPs a service may share. */
  private readonly byKey = new Map<string, Set<string>>();

  /** Why `service` may not take `ip`, or undefined when it may. */
  conflict(ip: string, service: string, sharing: Sharing): string | undefined {
    for (const u of this.byIp.get(ip) ?? []) {
      if (u.service === service) continue;
      if (u.key === undefined || sharing.key === undefined || u.key !== sharing.key)
        return `${ip} is in use by ${u.service} (no common metallb.io/allow-shared-ip key)`;
      if (u.backend !== sharing.backend)
        return `${ip} is in use by ${u.service}, which selects other pods (externalTrafficPolicy Local)`;
      const clash = sharing.ports.find((p) => u.ports.includes(p));
      if (clash) return `${ip} is in use by ${u.service} on the same port ${clash}`;
    }
    return undefined;
  }

  take(ip: string, use: Use): void {
    const uses = this.byIp.get(ip);
    if (uses) uses.push(use);
    else this.byIp.set(ip, [use]);
    if (use.key === undefined) return;
    const shared = this.byKey.get(use.key);
    if (shared) shared.add(ip);
    else this.byKey.set(use.key, new Set([ip]));
  }

  /** IPs held by services with sharing key `key`. */
  sharedUnder(key: string): ReadonlySet<string> {
    return this.byKey.get(key) ?? NONE;
  }

  has(ip: string): boolean {
    return this.byIp.has(ip);
  }
}

const NONE: ReadonlySet<string> = new Set();

/** IPv4 addresses ending in .0 or .255 confuse some CPE firmware (MetalLB's avoidBuggyIPs). */
function buggy(family: Family, value: bigint): boolean {
  const last = value & 0xffn;
  return family === 4 && (last === 0n || last === 255n);
}

function inPool(pool: IpAddressPool, family: Family, value: bigint): boolean {
  if (pool.avoidBuggyIPs && buggy(family, value)) return false;
  return pool.addresses.some((a) =>
    a.cidrs.some((c) => c.family === family && value >= c.base && value <= lastOf(c)),
  );
}

function poolCidrs(pool: IpAddressPool, family: Family): Cidr[] {
  return pool.addresses.flatMap((a) => a.cidrs.filter((c) => c.family === family));
}

/** The families a service needs, in its order, and whether one of two will do. */
function familiesOf(s: Service): { families: Family[]; preferOnly: boolean } {
  const families = s.ipFamilies.map((f) => (f === 'IPv6' ? 6 : 4) as Family);
  const unique = [...new Set(families.length > 0 ? families : [4 as Family])];
  const dual = unique.length === 2 && s.ipFamilyPolicy !== undefined && s.ipFamilyPolicy !== 'SingleStack';
  return {
    families: dual ? unique : [unique[0]],
    preferOnly: dual && s.ipFamilyPolicy === 'PreferDualStack',
  };
}

function servedBy(s: Service, options: AllocatorOptions): boolean {
  return s.type === 'LoadBalancer' && s.loadBalancerClass === options.loadBalancerClass;
}

function olderFirst(a: Service, b: Service): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;
}

class Allocator {
  readonly holdings = new Holdings();
  /** Per pool CIDR: every usable address below it is held (see lowestFree). */
  private readonly cursors = new Map<Cidr, bigint>();
  /** Per pool and family, the distinct IPs assigned. */
  private readonly assigned = new Map<string, Set<string>>();

  constructor(
    readonly pools: readonly IpAddressPool[],
    private readonly options: AllocatorOptions,
  ) {}

  poolOf(ips: string[]): IpAddressPool | undefined {
    const parsed = ips.map(parseIp);
    return this.pools.find((p) => parsed.every((ip) => ip !== undefined && inPool(p, ip.family, ip.value)));
  }

  take(s: Service, ips: string[], pool: string): Allocation {
    const sharing = sharingOf(s);
    for (const ip of ips) {
      this.holdings.take(ip, { ...sharing, service: keyOf(s) });
      const family = parseIp(ip)?.family === 6 ? 'IPv6' : 'IPv4';
      const key = `${pool}\u0000${family}`;
      const set = this.assigned.get(key) ?? new Set<string>();
      set.add(ip);
      this.assigned.set(key, set);
    }
    return { service: keyOf(s), ips, pool };
  }

  assignedCount(pool: string, family: 'IPv4' | 'IPv6'): number {
    return this.assigned.get(`${pool}\u0000${family}`)?.size ?? 0;
  }

  /** The status IPs, when the service may keep them. */
  keeps(s: Service): Allocation | undefined {
    const ips = s.ingressIps.filter((ip) => ip !== '');
    if (ips.length === 0) return undefined;
    const pool = this.poolOf(ips);
    if (!pool) return undefined;
    if (s.requestedIps.length > 0 && !sameSet(ips, s.requestedIps.map(canonical))) return undefined;
    if (s.addressPool !== undefined && s.addressPool !== pool.name) return undefined;
    const want = familiesOf(s);
    const have = ips.map((ip) => parseIp(ip)?.family);
    const familiesOk = want.preferOnly
      ? have.length >= 1 && have.every((f) => f !== undefined && want.families.includes(f))
      : have.length === want.families.length && want.families.every((f) => have.includes(f));
    if (!familiesOk) return undefined;
    const sharing = sharingOf(s);
    if (ips.some((ip) => this.holdings.conflict(ip, keyOf(s), sharing) !== undefined)) return undefined;
    return this.take(s, ips.map(canonical), pool.name);
  }

  allocate(s: Service): Allocation | AllocationError {
    const fail = (reason: AllocationFailure, detail: string): AllocationError => ({
      service: keyOf(s),
      reason,
      detail,
    });
    if (s.requestedIps.length > 0) return this.requested(s, fail);
    if (s.addressPool !== undefined) {
      const pool = this.pools.find((p) => p.name === s.addressPool);
      if (!pool) return fail('unknownPool', `no IPAddressPool "${s.addressPool}"`);
      return this.fromPools(s, [pool]) ?? fail('noAvailableIPs', `no available IPs in pool "${pool.name}"`);
    }
    const pinned = this.pools
      .filter((p) => p.autoAssign && p.serviceAllocation && this.selects(p, s))
      .sort(byPriority);
    const open = this.pools.filter((p) => p.autoAssign && !p.serviceAllocation);
    const families = familiesOf(s).families.map(familyName).join(' and ');
    return (
      this.fromPools(s, pinned) ??
      this.fromPools(s, open) ??
      fail('noAvailableIPs', `no pool this service may use has a free ${families} address`)
    );
  }

  private requested(
    s: Service,
    fail: (r: AllocationFailure, d: string) => AllocationError,
  ): Allocation | AllocationError {
    const parsed = s.requestedIps.map((text) => ({ text, ip: parseIp(text) }));
    const bad = parsed.find((p) => p.ip === undefined);
    if (bad) return fail('invalidRequest', `requested IP "${bad.text}" is not an IP address`);
    const families = parsed.map((p) => p.ip?.family);
    if (new Set(families).size !== families.length)
      return fail('invalidRequest', 'at most one requested IP per family');
    const ips = s.requestedIps.map(canonical);
    const pool = this.poolOf(ips);
    if (!pool) return fail('ipNotInPool', `${ips.join(', ')} not in one IPAddressPool`);
    if (s.addressPool !== undefined && s.addressPool !== pool.name)
      return fail('poolMismatch', `${ips.join(', ')} in pool "${pool.name}", not "${s.addressPool}"`);
    const sharing = sharingOf(s);
    for (const ip of ips) {
      const why = this.holdings.conflict(ip, keyOf(s), sharing);
      if (why) return fail('ipInUse', why);
    }
    return this.take(s, ips, pool.name);
  }

  private selects(pool: IpAddressPool, s: Service): boolean {
    const a = pool.serviceAllocation;
    if (!a) return true;
    const nsLabels = this.options.namespaceLabels?.get(s.namespace) ?? {};
    const byNamespace =
      (a.namespaces.length === 0 && a.namespaceSelectors.length === 0) ||
      a.namespaces.includes(s.namespace) ||
      (a.namespaceSelectors.length > 0 && anySelectorMatches(a.namespaceSelectors, nsLabels));
    return byNamespace && anySelectorMatches(a.serviceSelectors, s.labels);
  }

  /** The first pool (in order) that can give every family; PreferDualStack settles for one. */
  private fromPools(s: Service, pools: readonly IpAddressPool[]): Allocation | undefined {
    const { families, preferOnly } = familiesOf(s);
    let primary: { pool: string; ip: string } | undefined;
    let secondary: { pool: string; ip: string } | undefined;
    for (const pool of pools) {
      const free = families.map((f) => this.lowestFree(pool, f, s));
      if (free.every((ip) => ip !== undefined)) return this.take(s, free as string[], pool.name);
      if (!preferOnly) continue;
      // Neither pool has both: the first with the primary family, else the first with the other.
      if (free[0] !== undefined) primary ??= { pool: pool.name, ip: free[0] };
      if (free[1] !== undefined) secondary ??= { pool: pool.name, ip: free[1] };
    }
    const pick = primary ?? secondary;
    return pick ? this.take(s, [pick.ip], pick.pool) : undefined;
  }

  /**
   * The lowest address of `pool` in `family` that `s` may take: one nobody holds, or one held by
   * services it may share with. Per CIDR a cursor marks where held addresses end (holdings only
   * grow during a plan), so a burst of n new services costs O(n), not a scan from the base each.
   */
  private lowestFree(pool: IpAddressPool, family: Family, s: Service): string | undefined {
    const sharing = sharingOf(s);
    const usable = (v: bigint) => !(pool.avoidBuggyIPs && buggy(family, v));
    for (const c of poolCidrs(pool, family)) {
      const last = lastOf(c);
      let unheld: bigint | undefined;
      let v = this.cursors.get(c) ?? c.base;
      for (; v <= last; v++) {
        if (usable(v) && !this.holdings.has(formatIp({ family, value: v }))) {
          unheld = v;
          break;
        }
      }
      this.cursors.set(c, v);
      let lowest = unheld;
      if (sharing.key !== undefined)
        for (const ip of this.holdings.sharedUnder(sharing.key)) {
          const held = parseIp(ip);
          if (!held || held.family !== family || held.value < c.base || held.value > last) continue;
          if (lowest !== undefined && held.value >= lowest) continue;
          if (usable(held.value) && this.holdings.conflict(ip, keyOf(s), sharing) === undefined)
            lowest = held.value;
        }
      if (lowest !== undefined) return formatIp({ family, value: lowest });
    }
    return undefined;
  }
}

function canonical(text: string): string {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : text;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** serviceAllocation.priority: lower first; none (0) last; then by name. */
function byPriority(a: IpAddressPool, b: IpAddressPool): number {
  const pa = a.serviceAllocation?.priority || Number.POSITIVE_INFINITY;
  const pb = b.serviceAllocation?.priority || Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Addresses of a family a pool can give (avoidBuggyIPs discounted); capped at 2^53 - 1. */
function capacity(pool: IpAddressPool, family: Family): number {
  let total = 0n;
  for (const c of poolCidrs(pool, family)) {
    const last = lastOf(c);
    let size = last - c.base + 1n;
    if (pool.avoidBuggyIPs && family === 4) {
      // Each whole /24 inside holds one .0 and one .255; a smaller block at most its ends.
      if (c.length <= 24) size -= 2n * (1n << BigInt(24 - c.length));
      else size -= (buggy(4, c.base) ? 1n : 0n) + (last !== c.base && buggy(4, last) ? 1n : 0n);
    }
    total += size;
  }
  return total > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(total);
}

export function allocate(
  pools: readonly IpAddressPool[],
  services: readonly Service[],
  options: AllocatorOptions = {},
): AllocationPlan {
  const sortedPools = [...pools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const allocator = new Allocator(sortedPools, options);
  const served = services.filter((s) => servedBy(s, options)).sort(olderFirst);
  const results = new Map<string, Allocation | AllocationError>();
  // Existing assignments first, so no new allocation takes an address a service already holds.
  for (const s of served) {
    const kept = allocator.keeps(s);
    if (kept) results.set(keyOf(s), kept);
  }
  for (const s of served) if (!results.has(keyOf(s))) results.set(keyOf(s), allocator.allocate(s));
  const released = services
    .filter((s) => s.type !== 'LoadBalancer' && s.allocatedFromPool !== undefined)
    .filter((s) => s.ingressIps.some((ip) => ip !== '' && allocator.poolOf([ip]) !== undefined))
    .map(keyOf)
    .sort();
  return {
    results: served.map((s) => results.get(keyOf(s)) as Allocation | AllocationError),
    released,
    pools: sortedPools.map((p) => {
      const v4 = allocator.assignedCount(p.name, 'IPv4');
      const v6 = allocator.assignedCount(p.name, 'IPv6');
      return {
        pool: p.name,
        assignedIPv4: v4,
        availableIPv4: capacity(p, 4) - v4,
        assignedIPv6: v6,
        availableIPv6: Math.max(0, capacity(p, 6) - v6),
      };
    }),
  };
}
