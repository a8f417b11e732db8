// Turns MRT records into text lines for `herald mrt dump`: one line per announced or withdrawn
// prefix, in the pipe-separated layout of `bgpdump -m` so existing scripts can read it, or one
// JSON object per line.
import {
  codecContext,
  decodeAttributes,
  decodeUpdate,
  formatAsPath,
  formatCommunity,
  formatExtendedCommunity,
  formatLargeCommunity,
  formatPrefix,
  HEADER_LENGTH,
  IPV4_UNICAST,
  IPV6_UNICAST,
  MessageType,
  type PathAttributes,
  type Prefix,
  updateRoutes,
} from '../wire/index.js';
import type { MrtRecord, PeerIndexEntry } from './records.js';

export interface DumpRoute {
  /** The record's time (a RIB entry's own time is `originatedTime`). */
  time: number;
  /** RFC 6396 §3: the _ET records' microseconds, which order the messages of one second. */
  microseconds?: number;
  /** Announced, withdrawn, or held in a RIB dump (bgpdump's B). */
  type: 'A' | 'W' | 'B';
  peer: string;
  peerAs: number;
  prefix: string;
  pathId?: number;
  /** A RIB entry's Originated Time (RFC 6396 §4.3.4). */
  originatedTime?: number;
  attributes?: PathAttributes;
  /** RFC 7606 problems found in this UPDATE, if any. */
  errors?: string[];
}

const ORIGIN_LETTERS = ['IGP', 'EGP', 'INCOMPLETE'];

/**
 * bgpdump -m layout: TYPE|TIME|A|PEER_IP|PEER_AS|PREFIX|AS_PATH|ORIGIN|NEXT_HOP|LOCAL_PREF|MED|COMMUNITIES|ATOMIC|AGGREGATOR|,
 * TIME with its microseconds (`1445565695.584878`) in _ET records; with add-path (RFC 8050), TYPE
 * ends in `_AP` and the path id follows the prefix, so two paths of a prefix are two lines that
 * differ.
 */
export function formatDumpLine(source: string, r: DumpRoute): string {
  const time = r.microseconds === undefined ? r.time : `${r.time}.${String(r.microseconds).padStart(6, '0')}`;
  const head = [
    r.pathId === undefined ? source : `${source}_AP`,
    time,
    r.type,
    r.peer,
    r.peerAs,
    r.prefix,
    ...(r.pathId === undefined ? [] : [r.pathId]),
  ];
  if (r.type === 'W') return head.join('|');
  const a = r.attributes ?? {};
  const nextHop = a.mpReach?.nextHop ?? a.nextHop ?? '';
  const communities = [
    ...(a.communities ?? []).map(formatCommunity),
    ...(a.largeCommunities ?? []).map(formatLargeCommunity),
    ...(a.extendedCommunities ?? []).map(formatExtendedCommunity),
  ].join(' ');
  return [
    ...head,
    formatAsPath(a.asPath ?? []),
    a.origin === undefined ? '' : ORIGIN_LETTERS[a.origin],
    nextHop,
    a.localPref ?? 0,
    a.med ?? 0,
    communities,
    a.atomicAggregate ? 'AG' : 'NAG',
    a.aggregator ? `${a.aggregator.asn} ${a.aggregator.address}` : '',
    '',
  ].join('|');
}

/** JSON-friendly attributes: bigints as text, as in the API. */
export function jsonAttributes(a: PathAttributes): Record<string, unknown> {
  return {
    ...a,
    asPath: a.asPath ? formatAsPath(a.asPath) : undefined,
    communities: a.communities?.map(formatCommunity),
    largeCommunities: a.largeCommunities?.map(formatLargeCommunity),
    extendedCommunities: a.extendedCommunities?.map(formatExtendedCommunity),
    mpReach: a.mpReach
      ? {
          afi: a.mpReach.afi,
          safi: a.mpReach.safi,
          nextHop: a.mpReach.nextHop,
          linkLocal: a.mpReach.linkLocal,
        }
      : undefined,
    mpUnreach: undefined,
    unknown: a.unknown?.map((u) => ({
      flags: u.flags,
      type: u.type,
      value: Buffer.from(u.value).toString('hex'),
    })),
  };
}

function prefixText(p: Prefix): string {
  return formatPrefix(p);
}

/**
 * Routes in one MRT record: UPDATE announcements and withdrawals for BGP4MP messages, one line per
 * RIB entry for TABLE_DUMP_V2 (peers resolved through the last PEER_INDEX_TABLE). Other records
 * give none. A malformed UPDATE throws the codec's Notification.
 */
export function* routesOf(r: MrtRecord, peers: PeerIndexEntry[]): Generator<DumpRoute> {
  if (r.kind === 'bgp4mp-message') {
    if (r.message[18] !== MessageType.UPDATE) return;
    const ctx = codecContext({
      as4: r.as4,
      addPath: r.addPath ? new Set([IPV4_UNICAST, IPV6_UNICAST]) : undefined,
    });
    const u = decodeUpdate(r.message.subarray(HEADER_LENGTH), ctx);
    const { announced, withdrawn } = updateRoutes(u);
    const base = { time: r.timestamp, microseconds: r.microseconds, peer: r.peerIp, peerAs: r.peerAs };
    const errors = u.errors.length > 0 ? u.errors.map((e) => `${e.outcome}: ${e.reason}`) : undefined;
    for (const p of withdrawn) yield { ...base, type: 'W', prefix: prefixText(p), pathId: p.pathId, errors };
    for (const p of announced) {
      yield { ...base, type: 'A', prefix: prefixText(p), pathId: p.pathId, attributes: u.attributes, errors };
    }
  } else if (r.kind === 'rib') {
    // RFC 6396 §4.3.4: RIB entry attributes always carry 4-octet AS numbers.
    const ctx = codecContext({ as4: true });
    const prefix = formatPrefix({ afi: r.afi === 2 ? 2 : 1, length: r.prefix.length, bytes: r.prefix.bytes });
    for (const e of r.entries) {
      const { attributes, errors } = decodeAttributes(e.attributes, 0, e.attributes.length, ctx);
      const peer = peers[e.peerIndex];
      yield {
        time: r.timestamp,
        type: 'B',
        peer: peer?.ip ?? `peer#${e.peerIndex}`,
        peerAs: peer?.as ?? 0,
        prefix,
        pathId: e.pathId,
        originatedTime: e.originatedTime,
        attributes,
        errors: errors.length > 0 ? errors.map((x) => `${x.outcome}: ${x.reason}`) : undefined,
      };
    }
  }
}
