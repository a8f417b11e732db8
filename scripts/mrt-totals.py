#!/usr/bin/env python3
"""Independent MRT tally for the sample files in /work/shared/data/mrt.

Derives the expected totals that test/mrt checks against. Deliberately
written from RFC 6396 / RFC 8050 / RFC 4271 / RFC 4760 directly, in Python
stdlib only, sharing no code with src/mrt. Usage:

    python3 scripts/mrt-totals.py [DATA_DIR] > test/fixtures/mrt-totals.json
"""

import gzip
import ipaddress
import json
import os
import struct
import sys
from collections import Counter, defaultdict

ET_TYPES = {17, 33, 49}  # BGP4MP_ET, ISIS_ET, OSPFv3_ET: Length includes the 4 microsecond octets

TYPE_NAMES = {11: 'OSPFv2', 12: 'TABLE_DUMP', 13: 'TABLE_DUMP_V2', 16: 'BGP4MP', 17: 'BGP4MP_ET',
              32: 'ISIS', 33: 'ISIS_ET', 48: 'OSPFv3', 49: 'OSPFv3_ET'}
BGP4MP_SUB = {0: 'STATE_CHANGE', 1: 'MESSAGE', 4: 'MESSAGE_AS4', 5: 'STATE_CHANGE_AS4',
              6: 'MESSAGE_LOCAL', 7: 'MESSAGE_AS4_LOCAL', 8: 'MESSAGE_ADDPATH',
              9: 'MESSAGE_AS4_ADDPATH', 10: 'MESSAGE_LOCAL_ADDPATH', 11: 'MESSAGE_AS4_LOCAL_ADDPATH'}
TDV2_SUB = {1: 'PEER_INDEX_TABLE', 2: 'RIB_IPV4_UNICAST', 3: 'RIB_IPV4_MULTICAST',
            4: 'RIB_IPV6_UNICAST', 5: 'RIB_IPV6_MULTICAST', 6: 'RIB_GENERIC', 7: 'GEO_PEER_TABLE',
            8: 'RIB_IPV4_UNICAST_ADDPATH', 9: 'RIB_IPV4_MULTICAST_ADDPATH',
            10: 'RIB_IPV6_UNICAST_ADDPATH', 11: 'RIB_IPV6_MULTICAST_ADDPATH', 12: 'RIB_GENERIC_ADDPATH'}
BGP_TYPES = {1: 'OPEN', 2: 'UPDATE', 3: 'NOTIFICATION', 4: 'KEEPALIVE', 5: 'ROUTE-REFRESH'}


def name_of(t, s):
    subs = BGP4MP_SUB if t in (16, 17) else TDV2_SUB if t == 13 else {}
    return '%s/%s' % (TYPE_NAMES.get(t, 'TYPE%d' % t), subs.get(s, 'SUBTYPE%d' % s))


def iter_records(data):
    """Yield (offset, timestamp, type, subtype, microseconds|None, body)."""
    off = 0
    n = len(data)
    while off < n:
        if n - off < 12:
            raise ValueError('truncated header at %d' % off)
        ts, t, s, ln = struct.unpack_from('>IHHI', data, off)
        if off + 12 + ln > n:
            raise ValueError('truncated body at %d' % off)
        body = data[off + 12: off + 12 + ln]
        usec = None
        if t in ET_TYPES:
            usec = struct.unpack_from('>I', body, 0)[0]
            body = body[4:]
        yield off, ts, t, s, usec, body
        off += 12 + ln


def ip_text(b):
    return str(ipaddress.ip_address(bytes(b)))


def split_prefixes(raw, add_path):
    """NLRI encoding (RFC 4271 4.3), optionally preceded by a 4-octet Path Identifier (RFC 7911)."""
    out = []
    i = 0
    while i < len(raw):
        pid = None
        if add_path:
            pid = struct.unpack_from('>I', raw, i)[0]
            i += 4
        plen = raw[i]
        nb = (plen + 7) // 8
        pb = bytes(raw[i + 1: i + 1 + nb])
        if len(pb) != nb:
            raise ValueError('truncated NLRI')
        out.append((pid, plen, pb))
        i += 1 + nb
    return out


def parse_update(msg, add_path, quirks):
    """Return list of (action, afi, safi, pathId, plen, pbytes, via) for one UPDATE message body."""
    res = []
    wlen = struct.unpack_from('>H', msg, 0)[0]
    wd = msg[2:2 + wlen]
    alen = struct.unpack_from('>H', msg, 2 + wlen)[0]
    attrs = msg[4 + wlen: 4 + wlen + alen]
    nlri = msg[4 + wlen + alen:]
    for pid, plen, pb in split_prefixes(wd, add_path):
        res.append(('W', 1, 1, pid, plen, pb, 'withdrawn-routes'))
    i = 0
    while i < len(attrs):
        flags, code = attrs[i], attrs[i + 1]
        if flags & 0x10:
            vlen = struct.unpack_from('>H', attrs, i + 2)[0]
            i += 4
        else:
            vlen = attrs[i + 2]
            i += 3
        val = attrs[i:i + vlen]
        i += vlen
        if code == 14:  # MP_REACH_NLRI (RFC 4760)
            afi, safi, nhl = struct.unpack_from('>HBB', val, 0)
            rest = val[4 + nhl + 1:]
            quirks['mp_reach_afi_safi'][(afi, safi)] += 1
            for pid, plen, pb in split_prefixes(rest, add_path):
                res.append(('A', afi, safi, pid, plen, pb, 'mp-reach'))
        elif code == 15:  # MP_UNREACH_NLRI
            afi, safi = struct.unpack_from('>HB', val, 0)
            quirks['mp_unreach_afi_safi'][(afi, safi)] += 1
            for pid, plen, pb in split_prefixes(val[3:], add_path):
                res.append(('W', afi, safi, pid, plen, pb, 'mp-unreach'))
    for pid, plen, pb in split_prefixes(nlri, add_path):
        res.append(('A', 1, 1, pid, plen, pb, 'nlri'))
    return res


def fam_name(afi):
    return {1: 'ipv4', 2: 'ipv6'}.get(afi, 'afi%d' % afi)


def new_fam():
    return {'announced': 0, 'withdrawn': 0, 'distinct': set(), 'table': set(),
            'announcedViaNlri': 0, 'announcedViaMpReach': 0}


def host_bits_set(plen, pb):
    if plen % 8 == 0 or not pb:
        return False
    return (pb[-1] & (0xFF >> (plen % 8))) != 0


def tally_bgp4mp(recs, quirks):
    peers = {}
    bgp_types = Counter()
    updates = 0
    for off, ts, t, s, usec, body in recs:
        if s not in BGP4MP_SUB:
            continue
        as4 = s in (4, 5, 7, 9, 11)
        asl = 4 if as4 else 2
        fmt = '>I' if as4 else '>H'
        peer_as = struct.unpack_from(fmt, body, 0)[0]
        ifidx, afi = struct.unpack_from('>HH', body, 2 * asl)
        p = 2 * asl + 4
        il = 4 if afi == 1 else 16
        peer_ip = ip_text(body[p:p + il])
        key = '%s|%d' % (peer_ip, peer_as)
        pr = peers.setdefault(key, {'stateChanges': 0, 'updates': 0, 'localMessages': 0, 'fam': {},
                                     'subtypes': Counter(), 'messagesByBgpType': Counter()})
        pr['subtypes'][str(s)] += 1
        if s in (0, 5):
            pr['stateChanges'] += 1
            continue
        msg = body[p + 2 * il:]
        blen, btype = struct.unpack_from('>HB', msg, 16)
        if bytes(msg[:16]) != b'\xff' * 16:
            quirks['bad_marker'] += 1
        if blen != len(msg):
            quirks['bgp_length_mismatch'] += 1
        bgp_types[BGP_TYPES.get(btype, str(btype))] += 1
        pr['messagesByBgpType'][BGP_TYPES.get(btype, str(btype))] += 1
        if s in (6, 7, 10, 11):
            pr['localMessages'] += 1
            continue  # sent by the collector, not part of the peer's Adj-RIB-In
        if btype != 2:
            continue
        updates += 1
        pr['updates'] += 1
        add_path = s in (8, 9, 10, 11)
        changes = parse_update(msg[19:], add_path, quirks)
        if not changes:
            quirks['updates_without_prefixes'] += 1
        for action, pafi, psafi, pid, plen, pb, via in changes:
            if host_bits_set(plen, pb):
                quirks['prefix_host_bits_set'] += 1
            fam = fam_name(pafi) + ('' if psafi == 1 else '-safi%d' % psafi)
            st = pr['fam'].setdefault(fam, new_fam())
            k = (plen, pb, pid)
            if action == 'A':
                st['announced'] += 1
                st['distinct'].add((plen, pb))
                st['table'].add(k)
                if via == 'nlri':
                    st['announcedViaNlri'] += 1
                    if afi == 2:
                        quirks['ipv4_nlri_from_ipv6_transport_peer'] += 1
                else:
                    st['announcedViaMpReach'] += 1
                    if pafi == 1:
                        quirks['ipv4_in_mp_reach'] += 1
            else:
                st['withdrawn'] += 1
                if k not in st['table']:
                    quirks['withdraw_of_absent_prefix'] += 1
                st['table'].discard(k)
    out = {}
    totals = {}
    for pr in peers.values():
        for fam, st in pr['fam'].items():
            t = totals.setdefault(fam, {'announced': 0, 'withdrawn': 0, 'distinct': set(), 'tableSum': 0,
                                        'tableUnion': set(), 'peers': 0})
            t['announced'] += st['announced']
            t['withdrawn'] += st['withdrawn']
            t['distinct'] |= st['distinct']
            t['tableSum'] += len(st['table'])
            t['tableUnion'] |= {(k[0], k[1]) for k in st['table']}
            t['peers'] += 1
    family_totals = {fam: {'peersWithRoutes': t['peers'], 'announced': t['announced'], 'withdrawn': t['withdrawn'],
                           'distinctAnnounced': len(t['distinct']), 'finalTableSum': t['tableSum'],
                           'finalTableDistinctPrefixes': len(t['tableUnion'])}
                     for fam, t in sorted(totals.items())}
    for key in sorted(peers):
        pr = peers[key]
        o = {'subtypes': dict(sorted(pr['subtypes'].items(), key=lambda kv: int(kv[0]))),
             'stateChanges': pr['stateChanges'],
             'messagesByBgpType': dict(sorted(pr['messagesByBgpType'].items())),
             'updates': pr['updates'], 'localMessages': pr['localMessages']}
        for fam in sorted(pr['fam']):
            st = pr['fam'][fam]
            o[fam] = {'announced': st['announced'], 'announcedViaNlri': st['announcedViaNlri'],
                      'announcedViaMpReach': st['announcedViaMpReach'], 'withdrawn': st['withdrawn'],
                      'distinctAnnounced': len(st['distinct']), 'finalTable': len(st['table'])}
        out[key] = o
    return {'bgpMessagesByType': dict(sorted(bgp_types.items())), 'updates': updates,
            'familyTotals': family_totals, 'peers': out}


def tally_tdv2(recs, quirks):
    peers = []
    rib_records = Counter()
    entries = Counter()
    distinct = defaultdict(set)
    distinct_pid = defaultdict(set)
    per_peer = defaultdict(Counter)
    for off, ts, t, s, usec, body in recs:
        if s == 1:
            p = 4
            vlen = struct.unpack_from('>H', body, p)[0]
            p += 2 + vlen
            cnt = struct.unpack_from('>H', body, p)[0]
            p += 2
            for _ in range(cnt):
                ptype = body[p]
                p += 5
                il = 16 if ptype & 1 else 4
                ip = ip_text(body[p:p + il])
                p += il
                asl = 4 if ptype & 2 else 2
                pas = struct.unpack_from('>I' if asl == 4 else '>H', body, p)[0]
                p += asl
                peers.append('%s|%d' % (ip, pas))
            continue
        if s not in (2, 3, 4, 5, 6, 8, 9, 10, 11, 12):
            continue
        add_path = s >= 8
        p = 4  # sequence number
        if s in (6, 12):
            afi, safi = struct.unpack_from('>HB', body, p)
            p += 3
        else:
            afi = 1 if s in (2, 3, 8, 9) else 2
            safi = 1 if s in (2, 4, 8, 10) else 2
        plen = body[p]
        nb = (plen + 7) // 8
        pb = bytes(body[p + 1:p + 1 + nb])
        p += 1 + nb
        cnt = struct.unpack_from('>H', body, p)[0]
        p += 2
        fam = fam_name(afi) + ('' if safi == 1 else '-safi%d' % safi)
        rib_records[fam] += 1
        distinct[fam].add((plen, pb))
        for _ in range(cnt):
            pidx, otime = struct.unpack_from('>HI', body, p)
            p += 6
            pid = None
            if add_path:
                pid = struct.unpack_from('>I', body, p)[0]
                p += 4
            alen = struct.unpack_from('>H', body, p)[0]
            p += 2 + alen
            if alen == 0:
                quirks['rib_entries_with_empty_attributes'] += 1
            entries[fam] += 1
            distinct_pid[fam].add((plen, pb, pid))
            per_peer[peers[pidx] if pidx < len(peers) else 'index%d' % pidx][fam] += 1
        if p != len(body):
            quirks['rib_trailing_bytes'] += 1
    fams = {}
    for fam in sorted(rib_records):
        fams[fam] = {'ribRecords': rib_records[fam], 'ribEntries': entries[fam],
                     'distinctPrefixes': len(distinct[fam]),
                     'distinctPrefixPathIds': len(distinct_pid[fam])}
    return {'peerIndexTable': peers, 'families': fams,
            'entriesPerPeer': {k: dict(v) for k, v in sorted(per_peer.items())}}


def tally_file(path):
    with gzip.open(path, 'rb') as fh:
        data = memoryview(fh.read())
    quirks = defaultdict(int)
    quirks['mp_reach_afi_safi'] = Counter()
    quirks['mp_unreach_afi_safi'] = Counter()
    recs = list(iter_records(data))
    by_ts = Counter((t, s) for _, _, t, s, _, _ in recs)
    result = {'bytesUncompressed': len(data), 'records': len(recs),
              'recordsByTypeSubtype': {'%d/%d' % k: v for k, v in sorted(by_ts.items())},
              'recordNames': {'%d/%d' % k: name_of(*k) for k in sorted(by_ts)}}
    types = {t for t, _ in by_ts}
    if types & {16, 17}:
        result['bgp4mp'] = tally_bgp4mp([r for r in recs if r[2] in (16, 17)], quirks)
    if 13 in types:
        result['tableDumpV2'] = tally_tdv2([r for r in recs if r[2] == 13], quirks)
    q = {}
    for k, v in sorted(quirks.items()):
        if isinstance(v, Counter):
            if v:
                q[k] = {'%d/%d' % kk: vv for kk, vv in sorted(v.items())}
        elif v:
            q[k] = v
    result['quirks'] = q
    return result


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'shared', 'data', 'mrt')
    out = {}
    for name in sorted(os.listdir(data_dir)):
        out[name] = tally_file(os.path.join(data_dir, name))
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
