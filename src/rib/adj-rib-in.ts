// Adj-RIB-In of one peer: RIB ingress for raw UPDATE bodies. Attributes are interned by their raw
// octets (validated once per distinct set), prefixes go into compact tables keyed by number, and
// RFC 7606 outcomes are applied (treat-as-withdraw removes what the UPDATE announced).
// Pure: no sockets, no clock, no logger.
import type { AttributeError, CodecContext, FamilyKey, MpReach, MpUnreach, Prefix } from '../wire/index.js';
import {
  Afi,
  AttrFlag,
  AttrType,
  decodeAttributes,
  ErrorCode,
  familyKey,
  formatPrefix,
  IPV4_UNICAST,
  IPV6_UNICAST,
  isMulticastPrefix,
  missingMandatory,
  splitUpdate,
  type UpdateLayout,
  UpdateSubcode,
  walkNlri,
  withoutNlriError,
} from '../wire/index.js';
import { type AttributeSet, AttributeStore } from './attribute-store.js';
import type { ImportRules } from './import-rules.js';
import { Ipv4Table } from './ipv4-table.js';
import { Ipv6Table } from './ipv6-table.js';

export interface IngestResult {
  announced: number;
  withdrawn: number;
  /** RFC 7606 treat-as-withdraw applied to this UPDATE's announcements. */
  treatAsWithdraw: boolean;
  errors: readonly AttributeError[];
  /** RFC 4724 End-of-RIB marker: the family it ends, when this UPDATE is one. */
  endOfRib?: FamilyKey;
  /** Announcements dropped by an import rule (a loop), their earlier paths withdrawn. */
  rejectedAsLoop: number;
  /**
   * Announcements dropped as invalid: RFC 7606 treat-as-withdraw, the route-level validity checks
   * (route-validity.ts), or a prefix RFC 4271 §6.3 says to ignore. Not counted in `withdrawn`.
   */
  rejectedInvalid: number;
}

/**
 * Told of each path a table stores, replaces or removes, with its attribute set ids before and
 * after (-1: none), while both sets are still held. Not told when a path is announced again with
 * the set it has.
 */
export interface PathObserver {
  ipv4(addr: number, length: number, before: number, after: number): void;
  prefix(prefix: Prefix, before: number, after: number): void;
}

/** The attribute block with MP_REACH/MP_UNREACH cut out, and those two decoded. */
interface SplitBlock {
  rest: Buffer;
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
}

/**
 * Walks the attribute headers; when MP attributes are present, returns the block without them
 * and their decoded values. Returns null when there are none.
 */
function splitMp(buf: Buffer, start: number, end: number, ctx: CodecContext): SplitBlock | null {
  let cuts: number[] | undefined;
  for (let pos = start; pos < end; ) {
    // A header or length past the end (RFC 7606 §4): stop; the malformed tail stays in `rest` for
    // the full decoder to report, and MP attributes before it still count (as in decodeUpdate).
    const hl = buf[pos] & AttrFlag.EXTENDED_LENGTH ? 4 : 3;
    if (pos + hl > end) break;
    const next = pos + hl + (hl === 4 ? buf.readUInt16BE(pos + 2) : buf[pos + 2]);
    if (next > end) break;
    const type = buf[pos + 1];
    if (type === AttrType.MP_REACH_NLRI || type === AttrType.MP_UNREACH_NLRI) {
      cuts ??= [];
      cuts.push(pos, next);
    }
    pos = next;
  }
  if (!cuts) return null;
  const parts: Buffer[] = [];
  const split: SplitBlock = { rest: Buffer.alloc(0) };
  let from = start;
  for (let i = 0; i < cuts.length; i += 2) {
    parts.push(buf.subarray(from, cuts[i]));
    from = cuts[i + 1];
  }
  parts.push(buf.subarray(from, end));
  split.rest = Buffer.concat(parts);
  // Throws the Notification RFC 4760 §7 / RFC 7606 §7.11 ask for when MP attributes are malformed;
  // duplicates are caught by decoding both in one block.
  const mp = decodeAttributes(buf, cuts[0], cuts[cuts.length - 1], ctx).attributes;
  if (cuts.length === 4 && cuts[1] !== cuts[2]) {
    Object.assign(mp, decodeAttributes(buf, cuts[2], cuts[3], ctx).attributes);
  }
  split.mpReach = mp.mpReach;
  split.mpUnreach = mp.mpUnreach;
  return split;
}

const V4 = ErrorCode.UPDATE_MESSAGE;
/** Shared empty lists, so an UPDATE without errors or MP NLRI allocates none. */
const NO_ERRORS: readonly AttributeError[] = [];
const NO_PREFIXES: readonly Prefix[] = [];
// RFC 4271 §6.3: a syntactically incorrect NLRI field is "Invalid Network Field".
const INVALID_NETWORK = UpdateSubcode.INVALID_NETWORK_FIELD;

export class AdjRibIn {
  readonly attributes: AttributeStore;
  ipv4 = new Ipv4Table();
  ipv6 = new Ipv6Table();

  // State for the NLRI visitors below, so they are bound once rather than allocated per UPDATE.
  private current!: IngestResult;
  private currentSet = 0;

  /**
   * Prefixes whose paths changed since the last `takeChanges()`, collected only while someone
   * follows the Loc-RIB (undefined otherwise: the ingest hot path then does no extra work).
   */
  private changed?: Prefix[];

  /** Told of every path change (the import policy's count of rejected paths), when set. */
  private observer?: PathObserver;

  /** RFC 7313 §4.2: per family under an enhanced route refresh, the routes not announced since its BoRR. */
  private readonly refreshStale = new Map<FamilyKey, Set<string>>();

  private readonly keepV4 = (b: Uint8Array, off: number, len: number, pathId: number): void => {
    if (this.checkPrefixes && isMulticastPrefix(false, len, b[off])) {
      this.ignorePrefix({ afi: Afi.IPV4, length: len, bytes: b.subarray(off, off + ((len + 7) >> 3)) });
      return;
    }
    const addr = v4Addr(b, off, len);
    if (this.refreshStale.size > 0) this.refreshStale.get(IPV4_UNICAST)?.delete(`${addr}/${len}/${pathId}`);
    const old = this.ipv4.set(addr, len, pathId, this.currentSet);
    this.attributes.retain(this.currentSet);
    if (this.observer && old !== this.currentSet) this.observer.ipv4(addr, len, old, this.currentSet);
    if (old >= 0) this.attributes.release(old);
    this.current.announced++;
    if (this.changed) this.noteV4(b, off, len);
  };

  private readonly dropV4 = (b: Uint8Array, off: number, len: number, pathId: number): void => {
    const addr = v4Addr(b, off, len);
    const old = this.ipv4.delete(addr, len, pathId);
    this.current.withdrawn++;
    if (old < 0) return;
    this.observer?.ipv4(addr, len, old, -1);
    this.attributes.release(old);
    if (this.changed) this.noteV4(b, off, len);
  };

  private noteV4(b: Uint8Array, off: number, len: number): void {
    // A plain Uint8Array, copied by hand: a slice of a Buffer would make a Buffer (a constructor
    // call through Symbol.species), and these few octets are made for every changed route.
    const n = (len + 7) >> 3;
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = b[off + i];
    this.changed!.push({ afi: Afi.IPV4, length: len, bytes });
  }

  /** Starts (or stops) collecting the prefixes each UPDATE changes. */
  trackChanges(on: boolean): void {
    this.changed = on ? (this.changed ?? []) : undefined;
  }

  /** Tells `observer` of every path change from now on (none: stops). */
  observePaths(observer: PathObserver | undefined): void {
    this.observer = observer;
  }

  /** The prefixes changed since the last call (possibly repeated), when tracking. */
  takeChanges(): Prefix[] {
    const out = this.changed ?? [];
    if (this.changed) this.changed = [];
    return out;
  }

  /** Prefixes are checked for RFC 4271 §6.3 semantics (session data only, not MRT). */
  private readonly checkPrefixes: boolean;

  /**
   * `rules`: the import rules (loop and validity checks); none for MRT data and tests of the codec
   * alone. `ipv4Routes`: how many IPv4 routes to make room for at once (the last session's count),
   * so a full table coming again is not rehashed as it grows (30 ms or more in one go at 367k).
   */
  constructor(rules?: ImportRules, ipv4Routes = 0) {
    this.attributes = new AttributeStore(rules);
    if (ipv4Routes > 0) this.ipv4 = Ipv4Table.forRoutes(ipv4Routes);
    this.checkPrefixes = rules !== undefined;
  }

  /**
   * RFC 4271 §6.3: "If a prefix in the NLRI field is semantically incorrect (e.g., an unexpected
   * multicast IP address), an error SHOULD be logged locally, and the prefix SHOULD be ignored."
   * A multicast prefix (224.0.0.0/4, ff00::/8) is never stored, so there is nothing to withdraw.
   */
  private ignorePrefix(p: Prefix): void {
    const r = this.current;
    // Said once per UPDATE (the first such prefix; the count says how many).
    if (r.rejectedInvalid === 0) {
      const reason = `multicast prefix ${formatPrefix(p)} ignored (RFC 4271 §6.3)`;
      r.errors = [...r.errors, { type: 0, outcome: 'treat-as-withdraw', reason }];
    }
    r.rejectedInvalid++;
  }

  get size(): number {
    return this.ipv4.size + this.ipv6.size;
  }

  /** Removes every route of address family `afi` (a stale family swept, RFC 4724 §4.2); returns how many. */
  dropFamily(afi: number): number {
    let removed = 0;
    const release = (set: number) => {
      this.attributes.release(set);
      removed++;
    };
    const o = this.observer;
    if (afi === Afi.IPV4) {
      this.ipv4.forEach((addr, length, _pathId, set) => {
        o?.ipv4(addr, length, set, -1);
        release(set);
      });
      this.ipv4 = new Ipv4Table();
    } else if (afi === Afi.IPV6) {
      this.ipv6.forEach((bytes, length, _pathId, set) => {
        o?.prefix({ afi: Afi.IPV6, length, bytes: bytes.subarray(0, (length + 7) >> 3) }, set, -1);
        release(set);
      });
      this.ipv6 = new Ipv6Table();
    }
    return removed;
  }

  /**
   * Takes every route of address family `afi` out of the table at once (a stale family swept, RFC
   * 4724 §4.2) and returns them, still holding their attribute sets: the caller releases them (see
   * retired-routes.ts). The path observer is not told.
   */
  takeFamily(afi: number): { ipv4?: Ipv4Table; ipv6?: Ipv6Table } {
    if (afi === Afi.IPV4) {
      const ipv4 = this.ipv4;
      this.ipv4 = new Ipv4Table();
      return { ipv4 };
    }
    if (afi !== Afi.IPV6) return {};
    const ipv6 = this.ipv6;
    this.ipv6 = new Ipv6Table();
    return { ipv6 };
  }

  /** Applies one UPDATE body. Throws a Notification when the session must be reset. */
  apply(body: Buffer, ctx: CodecContext, families?: ReadonlySet<FamilyKey>): IngestResult {
    const l = splitUpdate(body);
    const result: IngestResult = {
      announced: 0,
      withdrawn: 0,
      treatAsWithdraw: false,
      errors: NO_ERRORS,
      endOfRib: undefined,
      rejectedAsLoop: 0,
      rejectedInvalid: 0,
    };
    this.current = result;
    const addPath = ctx.addPath.has(IPV4_UNICAST);
    walkNlri(body, l.withdrawnStart, l.withdrawnEnd, Afi.IPV4, addPath, V4, INVALID_NETWORK, this.dropV4);
    // RFC 4760 §8: routes of an <AFI, SAFI> are exchanged only when both sides advertised it. NLRI
    // of a family the session did not negotiate is checked for syntax, logged and ignored (as BIRD
    // does; GoBGP resets the session), never stored in the unicast tables.
    let hasClassic = l.nlriEnd > l.nlriStart;
    if (hasClassic && families && !families.has(IPV4_UNICAST)) {
      walkNlri(body, l.nlriStart, l.nlriEnd, Afi.IPV4, addPath, V4, INVALID_NETWORK, () => {});
      result.errors = [notNegotiated(IPV4_UNICAST)];
      hasClassic = false;
    }
    if (l.attrEnd === l.attrStart) {
      if (body.length === 4) result.endOfRib = IPV4_UNICAST;
      if (hasClassic) {
        // RFC 7606 §3(d): routes without the mandatory attributes are treated as withdrawn (a fast
        // path for the attribute-less UPDATE; the reason comes from the shared check).
        result.treatAsWithdraw = true;
        result.errors = [{ type: 0, outcome: 'treat-as-withdraw', reason: missingMandatory({}, true)! }];
        this.rejectAll(body, l, addPath);
      }
      return result;
    }

    const split = splitMp(body, l.attrStart, l.attrEnd, ctx);
    let set: AttributeSet;
    if (split) {
      const { nlri: _nlri, ...head } = split.mpReach ?? { nlri: [] };
      const mpHead = split.mpReach ? (head as Omit<MpReach, 'nlri'>) : undefined;
      set = this.attributes.intern(split.rest, 0, split.rest.length, ctx, mpHead);
    } else {
      set = this.attributes.intern(body, l.attrStart, l.attrEnd, ctx);
    }
    result.errors = result.errors.length > 0 ? [...result.errors, ...set.errors] : set.errors;
    const reach = split?.mpReach;
    let mpNlri = reach?.nlri ?? NO_PREFIXES;
    if (reach && families && !families.has(familyKey(reach.afi, reach.safi))) {
      if (mpNlri.length > 0)
        result.errors = [...result.errors, notNegotiated(familyKey(reach.afi, reach.safi))];
      mpNlri = NO_PREFIXES;
    }
    if (!hasClassic && mpNlri.length === 0 && ctx.ibgp !== undefined) {
      // RFC 7606 §5.2: attribute errors in an UPDATE without reachable NLRI reset the session.
      const reset = withoutNlriError(set.errors);
      if (reset) {
        this.attributes.forgetIfUnused(set.id);
        throw reset;
      }
    }

    // MP_UNREACH withdrawals stand whatever happened to the other attributes.
    const unreach = split?.mpUnreach;
    if (unreach && !(families && !families.has(familyKey(unreach.afi, unreach.safi)))) {
      for (const p of unreach.withdrawn) this.drop(p);
      // RFC 4724 §2: End-of-RIB is an UPDATE holding only an empty MP_UNREACH_NLRI.
      const isEndOfRib =
        unreach.withdrawn.length === 0 &&
        (unreach.raw?.length ?? 0) === 0 &&
        split.rest.length === 0 &&
        !split.mpReach &&
        !hasClassic &&
        l.withdrawnEnd === l.withdrawnStart;
      if (isEndOfRib) result.endOfRib = familyKey(unreach.afi, unreach.safi);
    }
    let withdrawAll = set.outcome === 'treat-as-withdraw';
    const missing = hasClassic ? set.missingClassic : mpNlri.length > 0 ? set.missingMp : undefined;
    if (!withdrawAll && missing) {
      withdrawAll = true;
      result.errors = [...set.errors, { type: 0, outcome: 'treat-as-withdraw', reason: missing }];
    }
    // A loop drops the announcement on import; it still replaces (so removes) an earlier path. It
    // is judged before validity: our own route coming back (with our address as next hop, say)
    // counts as a loop.
    const loop = !withdrawAll && set.loop !== undefined;
    // Route-level validity (next hop, first AS): handled like treat-as-withdraw, with its reason.
    const invalid =
      withdrawAll || loop
        ? undefined
        : ((hasClassic ? set.invalidClassic : undefined) ?? (mpNlri.length > 0 ? set.invalidMp : undefined));
    if (invalid) {
      withdrawAll = true;
      result.errors = [...result.errors, invalid];
    }
    result.treatAsWithdraw = withdrawAll && (hasClassic || mpNlri.length > 0);
    if (loop) withdrawAll = true;
    const withdrawnBefore = result.withdrawn;
    this.currentSet = set.id;
    if (hasClassic)
      walkNlri(
        body,
        l.nlriStart,
        l.nlriEnd,
        Afi.IPV4,
        addPath,
        V4,
        INVALID_NETWORK,
        withdrawAll ? this.dropV4 : this.keepV4,
      );
    for (const p of mpNlri) {
      if (withdrawAll) this.drop(p);
      else this.keep(p, set.id);
    }
    if (loop) {
      result.rejectedAsLoop = result.withdrawn - withdrawnBefore;
      result.withdrawn = withdrawnBefore;
    } else if (result.treatAsWithdraw) {
      result.rejectedInvalid += result.withdrawn - withdrawnBefore;
      result.withdrawn = withdrawnBefore;
    }
    // A set interned for an UPDATE that left no route on it (withdrawals only, treat-as-withdraw).
    this.attributes.forgetIfUnused(set.id);
    return result;
  }

  /**
   * RFC 7313 §4.2: "When the BGP speaker receives a BoRR message from its peer, it MUST mark all the
   * routes with the given AFI/SAFI ... as stale" (here: remember them; announcing one unmarks it).
   */
  beginRefresh(family: FamilyKey): void {
    const keys = new Set<string>();
    if (family === IPV4_UNICAST)
      this.ipv4.forEach((a, len, id) => {
        keys.add(`${a}/${len}/${id}`);
      });
    else if (family === IPV6_UNICAST)
      this.ipv6.forEach((b, len, id) => {
        keys.add(v6Key(b, len, id));
      });
    else return;
    this.refreshStale.set(family, keys);
  }

  /** RFC 7313 §4.2: on EoRR, "remove all the routes ... that are still marked as stale". How many. */
  endRefresh(family: FamilyKey): number {
    const keys = this.refreshStale.get(family);
    if (!keys) return 0; // an EoRR without a BoRR is ignored
    this.refreshStale.delete(family);
    this.current = {
      announced: 0,
      withdrawn: 0,
      treatAsWithdraw: false,
      errors: NO_ERRORS,
      rejectedAsLoop: 0,
      rejectedInvalid: 0,
    };
    for (const k of keys) {
      const [p, len, id] = k.split('/');
      if (family === IPV4_UNICAST) {
        const a = Number(p);
        const b = Uint8Array.of(a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255);
        this.dropV4(b, 0, Number(len), Number(id));
      } else
        this.drop({ afi: Afi.IPV6, length: Number(len), bytes: Buffer.from(p, 'hex'), pathId: Number(id) });
    }
    return this.current.withdrawn;
  }

  /** Treat-as-withdraw of the NLRI field: every route it names goes, counted as rejected. */
  private rejectAll(body: Buffer, l: UpdateLayout, addPath: boolean): void {
    const before = this.current.withdrawn;
    walkNlri(body, l.nlriStart, l.nlriEnd, Afi.IPV4, addPath, V4, INVALID_NETWORK, this.dropV4);
    this.current.rejectedInvalid += this.current.withdrawn - before;
    this.current.withdrawn = before;
  }

  private keep(p: Prefix, id: number): void {
    if (p.afi === Afi.IPV4) {
      this.keepV4(p.bytes, 0, p.length, p.pathId ?? 0);
      return;
    }
    if (this.checkPrefixes && isMulticastPrefix(true, p.length, p.bytes[0])) {
      this.ignorePrefix(p);
      return;
    }
    if (this.refreshStale.size > 0)
      this.refreshStale.get(IPV6_UNICAST)?.delete(v6Key(p.bytes, p.length, p.pathId ?? 0));
    const old = this.ipv6.set(p.bytes, 0, p.length, p.pathId ?? 0, id);
    this.attributes.retain(id);
    if (this.observer && old !== id) this.observer.prefix(p, old, id);
    if (old >= 0) this.attributes.release(old);
    this.current.announced++;
    this.changed?.push({ afi: p.afi, length: p.length, bytes: p.bytes });
  }

  private drop(p: Prefix): void {
    if (p.afi === Afi.IPV4) {
      this.dropV4(p.bytes, 0, p.length, p.pathId ?? 0);
      return;
    }
    const old = this.ipv6.delete(p.bytes, 0, p.length, p.pathId ?? 0);
    this.current.withdrawn++;
    if (old < 0) return;
    this.observer?.prefix(p, old, -1);
    this.attributes.release(old);
    this.changed?.push({ afi: p.afi, length: p.length, bytes: p.bytes });
  }
}

/** An IPv6 route's key in a refresh snapshot: its octets with the bits past `length` cleared, as the table holds them. */
function v6Key(bytes: Uint8Array, length: number, pathId: number): string {
  const octets = Buffer.from(bytes.subarray(0, (length + 7) >> 3));
  if (length % 8 !== 0) octets[octets.length - 1] &= 0xff << (8 - (length % 8));
  return `${octets.toString('hex')}/${length}/${pathId}`;
}

/** The error noted for NLRI of a family the session did not negotiate (logged; the routes are ignored). */
function notNegotiated(family: FamilyKey): AttributeError {
  return {
    type: 0,
    outcome: 'attribute-discard',
    reason: `NLRI of AFI/SAFI ${family >> 8}/${family & 0xff}, not negotiated on this session, ignored (RFC 4760 §8)`,
  };
}

/** The masked IPv4 address of a packed prefix, as an unsigned 32-bit number. */
export function v4Addr(b: Uint8Array, off: number, len: number): number {
  const n = (len + 7) >> 3;
  const a =
    ((n > 0 ? b[off] : 0) << 24) |
    ((n > 1 ? b[off + 1] : 0) << 16) |
    ((n > 2 ? b[off + 2] : 0) << 8) |
    (n > 3 ? b[off + 3] : 0);
  return len === 0 ? 0 : (a & (0xffffffff << (32 - len))) >>> 0;
}
