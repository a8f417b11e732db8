// What the CLI prints for people (issue 22): the neighbor summary with FRR's PfxSnt and Desc
// columns, one neighbor as text, route tables sorted by prefix with Herald's own routes shown as FRR
// shows local ones, and API errors printed once.
import { describe, expect, it } from 'vitest';
import type { NeighborView } from '../../src/api/views.js';
import { capabilityName } from '../../src/api/views.js';
import { ApiRequestError } from '../../src/cli/api-client.js';
import { errorText } from '../../src/cli/api-commands.js';
import { fibText } from '../../src/cli/fib-text.js';
import { PrettyJsonList, writeJson } from '../../src/cli/json-out.js';
import { neighborText } from '../../src/cli/neighbor-text.js';
import { prefixSortKey } from '../../src/cli/prefix-order.js';
import { RoutesText } from '../../src/cli/routes-text.js';
import { formatTable, neighborsTable, prefixRouteText } from '../../src/cli/tables.js';
import type { RouteView } from '../../src/rib/route-view.js';

const counters = (n: number) => ({ open: 1, update: n, notification: 0, keepalive: 3, routeRefresh: 0 });

function neighbor(over: Partial<NeighborView> = {}): NeighborView {
  return {
    address: '10.0.0.1',
    description: 'core-1 (FRR)',
    peerAsn: 65001,
    localAsn: 64512,
    state: 'Established',
    uptimeSeconds: 3723,
    lastError: null,
    holdTime: 90,
    capabilities: ['multiprotocol', 'route-refresh', 'route-refresh-old'],
    prefixes: {
      received: 7,
      accepted: 5,
      advertised: 2,
      stale: 0,
      rejectedAsLoop: 1,
      rejectedInvalid: 0,
      rejectedAlwaysBlock: 0,
    },
    routeReflectorClient: false,
    routesNotSent: [],
    messages: { sent: counters(2), received: counters(7) },
    flaps: 0,
    treatAsWithdraw: 0,
    ...over,
  };
}

function route(prefix: string, over: Partial<RouteView> = {}): RouteView {
  return {
    prefix,
    neighbor: '10.0.0.1',
    nextHop: '10.0.0.1',
    asPath: '65001',
    origin: 'IGP',
    med: null,
    localPref: null,
    communities: [],
    largeCommunities: [],
    extCommunities: [],
    best: true,
    stale: false,
    ...over,
  };
}

describe('herald neighbors', () => {
  it('has the columns of show ip bgp summary, PfxSnt and Desc included', () => {
    const lines = neighborsTable([
      neighbor(),
      neighbor({ address: '10.0.0.2', description: null, state: 'Active', uptimeSeconds: null }),
    ]).split('\n');
    expect(lines[0]).toMatch(
      /^Neighbor\s+AS\s+MsgRcvd\s+MsgSent\s+Up\/Down\s+State\/PfxRcd\s+PfxSnt\s+Desc$/,
    );
    expect(lines[1]).toMatch(/^10\.0\.0\.1\s+65001\s+11\s+6\s+01:02:03\s+5\s+2\s+core-1 \(FRR\)$/);
    expect(lines[2]).toMatch(/^10\.0\.0\.2\s+65001\s+11\s+6\s+never\s+Active\s+2$/);
    expect(lines).toHaveLength(3);
  });

  it('says under the table why a neighbor is not up: its last error (not for an Established one)', () => {
    const text = neighborsTable([
      neighbor({ lastError: 'received Cease/Administrative Reset' }),
      neighbor({
        address: '10.0.0.2',
        state: 'Active',
        uptimeSeconds: null,
        lastError: 'connect: EHOSTUNREACH',
      }),
      neighbor({ address: '10.0.0.3', state: 'Idle', uptimeSeconds: null }),
    ]);
    const [table, notes] = text.split('\n\n');
    expect(table.split('\n')).toHaveLength(4);
    expect(notes).toBe('10.0.0.2 is Active: connect: EHOSTUNREACH');
  });

  it('names the interface neighbors still looking for their router under the table', () => {
    const text = neighborsTable([neighbor()], ['eth1: no router found on the link yet']);
    expect(text.split('\n\n')[1]).toBe('eth1: no router found on the link yet');
  });
});

describe('herald neighbor ADDR', () => {
  it('is text: identity, state, last error, prefixes and messages', () => {
    const text = neighborText(
      neighbor({ state: 'Active', uptimeSeconds: null, holdTime: null, lastError: 'connect: ECONNREFUSED' }),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('BGP neighbor is 10.0.0.1, remote AS 65001, local AS 64512, external link');
    expect(lines).toContain('  Description: core-1 (FRR)');
    expect(lines).toContain('  BGP state = Active');
    expect(lines).toContain('  Last error: connect: ECONNREFUSED');
    expect(text).toContain('2 advertised');
    expect(text).toContain('1 rejected as loops, 0 rejected as invalid');
    expect(lines).not.toContain('  Route-reflector client');
    expect(neighborText(neighbor({ routeReflectorClient: true })).split('\n')).toContain(
      '  Route-reflector client',
    );
    expect(text).toMatch(/update\s+2\s+7/);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('says how long an Established session is up, and lists routes it cannot be sent', () => {
    const text = neighborText(
      neighbor({ routesNotSent: [{ prefix: '192.0.2.0/24', reason: 'attributes too large' }] }),
    );
    expect(text).toContain('  BGP state = Established, up for 01:02:03');
    expect(text).toMatch(/192\.0\.2\.0\/24\s+attributes too large/);
  });
});

/** `herald routes` as printed, without its last newline, and the writes it took. */
/** The 8 16-bit words of an IPv6 address, as 16 octets. */
function expandV6(a: string): number[] {
  const [head, tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((w) => Number.parseInt(w, 16));
  return words.flatMap((w) => [w >> 8, w & 255]);
}

function routesTable(rows: RouteView[], writes: string[] = []): string {
  const table = new RoutesText((t) => writes.push(t));
  for (const r of rows) table.add(r);
  table.end();
  return writes.join('').replace(/\n$/, '');
}

describe('route tables', () => {
  it('sort by prefix: IPv4 numerically before IPv6, shorter first, rows of a prefix in order', () => {
    const rows = [
      route('2001:db8::/32'),
      route('10.10.0.0/16'),
      route('9.0.0.0/8'),
      route('10.9.0.0/16'),
      route('10.10.0.0/16', { neighbor: '10.0.0.2', nextHop: '10.0.0.2', best: false }),
      route('10.0.0.0/8'),
      route('192.0.2.0/24'),
      route('10.10.0.0/24'),
      route('2001:db8::/48'),
    ];
    const table = routesTable(rows).split('\n');
    expect(table.slice(1).map((l) => l.split(/\s+/).slice(1, 3).join(' '))).toEqual([
      '9.0.0.0/8 10.0.0.1',
      '10.0.0.0/8 10.0.0.1',
      '10.9.0.0/16 10.0.0.1',
      '10.10.0.0/16 10.0.0.1',
      '10.10.0.0/16 10.0.0.2',
      '10.10.0.0/24 10.0.0.1',
      '192.0.2.0/24 10.0.0.1',
      '2001:db8::/32 10.0.0.1',
      '2001:db8::/48 10.0.0.1',
    ]);
  });

  it('are what the whole list sorted and formatted at once gives, written in pieces of about 64 KiB', () => {
    // The reference: the octets compared one by one, as FRR orders `show ip bgp`.
    const octets = (p: string) => {
      const [a, l] = p.split('/');
      const v4 = !a.includes(':');
      const words = v4 ? a.split('.').map(Number) : expandV6(a);
      return [v4 ? 4 : 16, ...words, Number(l)];
    };
    const compare = (x: RouteView, y: RouteView) => {
      const a = octets(x.prefix);
      const b = octets(y.prefix);
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
      return a.length - b.length;
    };
    const rows: RouteView[] = [];
    for (let i = 0; i < 20_000; i++) {
      const v6 = i % 7 === 0;
      const prefix = v6
        ? `2001:db8:${((i * 7919) % 65536).toString(16)}::/${32 + (i % 97)}`
        : `${(i * 31) % 224}.${(i * 17) % 256}.${i % 256}.0/${8 + (i % 25)}`;
      rows.push(
        route(prefix, {
          neighbor: i % 5 === 0 ? 'local' : `10.0.0.${i % 3}`,
          nextHop: i % 5 === 0 ? null : `10.0.${i % 300}.1`,
          med: i % 4 === 0 ? i : null,
          localPref: i % 3 === 0 ? 100 + i : null,
          asPath: i % 11 === 0 ? '' : `65001 ${i}`,
          origin: ['IGP', 'EGP', 'INCOMPLETE'][i % 3],
          best: i % 2 === 0,
          stale: i % 13 === 0,
        }),
      );
    }
    const cells = (r: RouteView) => {
      const local = r.neighbor === 'local';
      return [
        `${r.stale ? 'S' : '*'}${r.best ? '>' : ' '}`,
        r.prefix,
        r.nextHop ?? (local ? (r.prefix.includes(':') ? '::' : '0.0.0.0') : ''),
        r.med === null ? '' : String(r.med),
        r.localPref === null ? '' : String(r.localPref),
        local ? '32768' : '0',
        `${r.asPath} ${r.origin === 'IGP' ? 'i' : r.origin === 'EGP' ? 'e' : '?'}`.trim(),
      ];
    };
    const expected = formatTable(
      ['', 'Network', 'Next Hop', 'Metric', 'LocPrf', 'Weight', 'Path'],
      [...rows].sort(compare).map(cells),
    );
    const writes: string[] = [];
    expect(routesTable(rows, writes)).toBe(expected);
    expect(writes.length).toBeGreaterThan(3);
    expect(Math.max(...writes.map((w) => w.length))).toBeLessThan(65536 + 200);
  });

  it('sort keys: IPv4 before IPv6, by octet then length; anything else last', () => {
    const keys = [
      '0.0.0.0/0',
      '9.0.0.0/8',
      '9.0.0.0/24',
      '10.0.0.0/8',
      '255.255.255.255/32',
      '::/0',
      '::1/128',
      'ffff::/16',
    ];
    expect(keys.map(prefixSortKey)).toEqual([...keys.map(prefixSortKey)].sort());
    expect(prefixSortKey('10.0.0.0/8')).toBe('40a00000008');
    expect(prefixSortKey('not a prefix')).toBe('9');
    expect(prefixSortKey('10.0.0.0/x')).toBe('9');
    expect(prefixSortKey('ffff::/16') < prefixSortKey('not/a prefix')).toBe(true);
  });

  it("show Herald's own routes as FRR shows local ones: next hop 0.0.0.0 (::), weight 32768", () => {
    const table = routesTable([
      route('198.51.100.10/32', { neighbor: 'local', nextHop: null, asPath: '' }),
      route('2001:db8:5::/64', { neighbor: 'local', nextHop: null, asPath: '' }),
      route('198.51.100.0/24'),
    ]).split('\n');
    expect(table[0]).toMatch(/Network\s+Next Hop\s+Metric\s+LocPrf\s+Weight\s+Path$/);
    expect(table[1]).toMatch(/^\*>\s+198\.51\.100\.0\/24\s+10\.0\.0\.1\s+0\s+65001 i$/);
    expect(table[2]).toMatch(/^\*>\s+198\.51\.100\.10\/32\s+0\.0\.0\.0\s+32768\s+i$/);
    expect(table[3]).toMatch(/^\*>\s+2001:db8:5::\/64\s+::\s+32768\s+i$/);
    const one = prefixRouteText({
      prefix: '198.51.100.10/32',
      paths: [
        {
          ...route('198.51.100.10/32', { neighbor: 'local', nextHop: null, asPath: '' }),
          multipath: true,
          notBestBecause: null,
          decisionStep: null,
        },
      ],
    });
    expect(one).toMatch(/local \(self\)\s+0\.0\.0\.0/);
  });
});

describe('API errors in the terminal', () => {
  it('print a lone problem once', () => {
    const problem = 'body.prefix: invalid prefix "203.0.113.5/33"';
    const text = errorText(new ApiRequestError(400, 'invalidRequest', problem, [problem]));
    expect(text).toBe(`herald: invalidRequest: ${problem}\n`);
  });

  it('print a lone problem that repeats the message with its path once, with the path', () => {
    const message = 'invalid prefix "10.10.5.0/33": length must be 0..32';
    const text = errorText(new ApiRequestError(400, 'invalidRequest', message, [`params: ${message}`]));
    expect(text).toBe(`herald: invalidRequest: params: ${message}\n`);
  });

  it('print several problems one per line, not joined and then again', () => {
    const problems = ['body.med: must be an integer', 'body.prefix: must be a prefix'];
    const text = errorText(new ApiRequestError(400, 'invalidRequest', problems.join('; '), problems));
    expect(text).toBe(`herald: invalidRequest:\n  ${problems[0]}\n  ${problems[1]}\n`);
  });

  it('print a message without problems as it is', () => {
    expect(errorText(new ApiRequestError(404, 'neighborNotFound', 'no neighbor 10.0.0.9'))).toBe(
      'herald: neighborNotFound: no neighbor 10.0.0.9\n',
    );
  });
});

describe('capability names', () => {
  it("name Cisco's pre-standard route refresh (code 128) as FRR does, and keep unknown-N otherwise", () => {
    expect(capabilityName({ kind: 'unknown', code: 128, value: Buffer.alloc(0) })).toBe('route-refresh-old');
    expect(capabilityName({ kind: 'unknown', code: 200, value: Buffer.alloc(0) })).toBe('unknown-200');
    expect(capabilityName({ kind: 'route-refresh' })).toBe('route-refresh');
  });
});

describe('herald fib', () => {
  it('says where routes go, how many are installed, and each held back or refused with why', () => {
    const text = fibText({
      enabled: true,
      table: 254,
      metric: 20,
      protocol: 186,
      prefixList: 'fabric',
      routes: { desired: 3, installed: 1, held: 1, failed: 1, pending: 0 },
      notInstalled: [
        { prefix: '10.2.0.0/16', table: 254, metric: 20, state: 'held', reason: 'no usable next hop' },
        { prefix: '10.3.0.0/16', table: 254, metric: 20, state: 'failed', reason: 'EEXIST: a static route' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'table 254, metric 20, protocol 186, prefix list fabric',
      '1 installed of 3 desired; 1 held back, 1 refused by the kernel, 0 pending',
      expect.stringMatching(/^Prefix\s+Table\s+State\s+Reason$/),
      expect.stringMatching(/^10\.2\.0\.0\/16\s+254\s+held\s+no usable next hop$/),
      expect.stringMatching(/^10\.3\.0\.0\/16\s+254\s+failed\s+EEXIST: a static route$/),
    ]);
  });
});

describe('--json', () => {
  it('prints what JSON.stringify(value, null, 2) does, a list an element at a time', () => {
    const values: unknown[] = [
      [],
      {},
      null,
      'text',
      [{ prefix: '10.0.0.0/8', communities: ['65000:1', '65000:2'], nested: { a: [1, { b: null }] } }, 3],
      [undefined, 'a\nb', [[]], {}],
      { neighbors: [{ address: '10.0.0.1' }] },
    ];
    for (const v of values) {
      const out: string[] = [];
      writeJson(v, (t) => out.push(t));
      expect(out.join('')).toBe(`${JSON.stringify(v, null, 2)}\n`);
    }
  });

  it('a long list goes out in writes of about 64 KiB, not one string', () => {
    const writes: string[] = [];
    const list = new PrettyJsonList((t) => writes.push(t));
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      prefix: `10.0.${i >> 8}.${i & 255}/32`,
      best: i % 2 === 0,
    }));
    for (const r of rows) list.add(r);
    expect(writes.length).toBeGreaterThan(3);
    expect(Math.max(...writes.map((w) => w.length))).toBeLessThan(65536 + 200);
    list.end();
    expect(writes.join('')).toBe(`${JSON.stringify(rows, null, 2)}\n`);
  });
});

describe('tables', () => {
  it("a full table's rows: the widths come from every row (no stack overflow at 577,000)", () => {
    const rows = Array.from({ length: 600_000 }, (_, i) => [
      `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32`,
      'x',
    ]);
    rows[599_999] = ['192.168.100.100/32', 'last'];
    const lines = formatTable(['Network', 'Note'], rows).split('\n');
    expect(lines).toHaveLength(600_001);
    expect(lines[0]).toBe(`Network${' '.repeat(11)}  Note`);
    expect(lines[600_000]).toBe('192.168.100.100/32  last');
  });
});
