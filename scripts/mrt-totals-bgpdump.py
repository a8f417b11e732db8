#!/usr/bin/env python3
"""Cross-check test/fixtures/mrt-totals.json against bgpdump(1) output.

A second, independent derivation: it never parses MRT bytes itself, only the
text that bgpdump 1.6.x prints (`-m` one-line mode for prefixes, the default
`-H` mode's TYPE: lines for message counts), then compares with the JSON
produced by scripts/mrt-totals.py. Exit status 1 on any disagreement.

    python3 scripts/mrt-totals-bgpdump.py [DATA_DIR] [TOTALS_JSON]
"""

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

here = os.path.dirname(os.path.abspath(__file__))
data_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', 'shared', 'data', 'mrt')
totals_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, '..', 'test', 'fixtures', 'mrt-totals.json')
totals = json.load(open(totals_path))
failures = 0


def check(label, got, want):
    global failures
    ok = got == want
    if not ok:
        failures += 1
    print('%-4s %-70s bgpdump=%s python=%s' % ('ok' if ok else 'FAIL', label, got, want))


def bgpdump(*args):
    return subprocess.run(['bgpdump', '-q', *args], capture_output=True, text=True, check=True).stdout


for name in sorted(os.listdir(data_dir)):
    path = os.path.join(data_dir, name)
    want = totals[name]
    types = Counter(l[6:].strip() for l in bgpdump(path).splitlines() if l.startswith('TYPE: '))
    lines = [l.split('|') for l in bgpdump('-m', path).splitlines()]
    if 'bgp4mp' in want:
        b = want['bgp4mp']
        msgs = sum(v for k, v in types.items() if '/MESSAGE' in k)
        state = sum(v for k, v in types.items() if k.endswith('STATE_CHANGE'))
        check(name + ' records', msgs + state, want['records'])
        check(name + ' UPDATE messages', sum(v for k, v in types.items() if k.endswith('/Update')), b['updates'])
        peers = defaultdict(lambda: defaultdict(lambda: {'a': 0, 'w': 0, 'd': set(), 't': set()}))
        for f in lines:
            if f[2] not in ('A', 'W'):
                continue
            fam = 'ipv6' if ':' in f[5] else 'ipv4'
            st = peers['%s|%s' % (f[3], f[4])][fam]
            if f[2] == 'A':
                st['a'] += 1
                st['d'].add(f[5])
                st['t'].add(f[5])
            else:
                st['w'] += 1
                st['t'].discard(f[5])
        for key, fams in sorted(b['peers'].items()):
            for fam in ('ipv4', 'ipv6'):
                w = fams.get(fam)
                g = peers.get(key, {}).get(fam)
                if w is None and g is None:
                    continue
                w = w or {'announced': 0, 'withdrawn': 0, 'distinctAnnounced': 0, 'finalTable': 0}
                g = g or {'a': 0, 'w': 0, 'd': set(), 't': set()}
                got = (g['a'], g['w'], len(g['d']), len(g['t']))
                exp = (w['announced'], w['withdrawn'], w['distinctAnnounced'], w['finalTable'])
                check('%s %s %s (ann, wd, distinct, final)' % (name, key, fam), got, exp)
        extra = set(peers) - set(b['peers'])
        check(name + ' peers only bgpdump saw', sorted(extra), [])
    if 'tableDumpV2' in want:
        for fam, w in want['tableDumpV2']['families'].items():
            rows = [f for f in lines if f[0].startswith('TABLE_DUMP2') and ((':' in f[5]) == (fam == 'ipv6'))]
            check(name + ' ' + fam + ' RIB entries', len(rows), w['ribEntries'])
            check(name + ' ' + fam + ' distinct prefixes', len({f[5] for f in rows}), w['distinctPrefixes'])
            ap = [f for f in rows if f[0] == 'TABLE_DUMP2_AP']
            if ap:
                check(name + ' ' + fam + ' distinct (prefix, pathId)', len({(f[5], f[6]) for f in ap}),
                      w['distinctPrefixPathIds'])
            per_peer = Counter('%s|%s' % (f[3], f[4]) for f in rows)
            want_pp = {k: v[fam] for k, v in want['tableDumpV2']['entriesPerPeer'].items() if fam in v}
            check(name + ' ' + fam + ' entries per peer', dict(sorted(per_peer.items())), want_pp)

print('\n%s' % ('all agree' if failures == 0 else '%d disagreement(s)' % failures))
sys.exit(1 if failures else 0)
