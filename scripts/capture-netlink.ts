// Records rtnetlink messages from the real kernel as fixtures for test/fib (the codec's reference
// bytes). Runs INSIDE a private network namespace (scripts/capture-netlink.sh creates and removes
// it): sets up two links (veth pairs), then for each case runs `ip` commands and saves what a netlink
// socket joined to the route, link and address groups received — raw hex, one JSON file per case
// in test/fixtures/netlink/ — together with `ip -j -d route/addr/link` output to compare against.
//
// Usage (root): bash scripts/capture-netlink.sh [out-dir]

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Group, MessageType, NetlinkWriter, encodeRoute, encodeRouteDump, Flag, Table } from '../src/fib/netlink/index.js';
import { NetlinkSocket } from '../src/sys/netlink-socket.js';

const out = process.argv[2] ?? join(import.meta.dirname, '..', 'test', 'fixtures', 'netlink');
mkdirSync(out, { recursive: true });

const ip = (args: string): string => execFileSync('ip', args.split(' '), { encoding: 'utf8', timeout: 10_000 });
const ipJson = (args: string): unknown => JSON.parse(ip(`-j -d ${args}`) || '[]');
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

ip('link set lo up');
// No IPv6 duplicate address detection: link-local addresses appear at once, not during a later case.
for (const k of ['all', 'default']) {
  execFileSync('sysctl', ['-qw', `net.ipv6.conf.${k}.accept_dad=0`, `net.ipv6.conf.${k}.dad_transmits=0`]);
}
// veth pairs with both ends here (the test kernel has no dummy driver); the peers must be up for carrier.
ip('link add d0 type veth peer name d0p');
ip('link add d1 type veth peer name d1p');
ip('link set d0p up');
ip('link set d1p up');
ip('addr add 10.0.0.1/24 dev d0');
ip('addr add 10.1.0.1/24 dev d1');
ip('-6 addr add fd00::1/64 dev d0 nodad');
ip('-6 addr add fd01::1/64 dev d1 nodad');
ip('link set d0 up');
ip('link set d1 up');

const sock = NetlinkSocket.open({
  groups: [Group.LINK, Group.IPV4_IFADDR, Group.IPV6_IFADDR, Group.IPV4_ROUTE, Group.IPV6_ROUTE],
});
let received: string[] = [];
sock.on('datagram', (d) => received.push(d.toString('hex')));

async function settle(): Promise<void> {
  // Bounded: stop once nothing new arrived for 150 ms (at most 3 s).
  const deadline = Date.now() + 3000;
  let last = -1;
  while (Date.now() < deadline && received.length !== last) {
    last = received.length;
    await delay(150);
  }
}

interface Case {
  name: string;
  commands: string[];
  /** `ip -j -d ...` arguments whose output is saved with the messages. */
  show: string;
}

const cases: Case[] = [
  { name: 'route-v4-single', commands: ['route add 192.0.2.0/24 via 10.0.0.2'], show: 'route show 192.0.2.0/24' },
  {
    name: 'route-v4-metric',
    commands: ['route add 198.51.100.0/24 via 10.0.0.2 metric 300 proto 72'],
    show: 'route show 198.51.100.0/24',
  },
  {
    name: 'route-v4-ecmp',
    commands: ['route add 203.0.113.0/24 nexthop via 10.0.0.2 weight 1 nexthop via 10.1.0.2 weight 3'],
    show: 'route show 203.0.113.0/24',
  },
  {
    name: 'route-v4-table',
    commands: ['route add 192.0.2.128/25 via 10.1.0.2 table 1000'],
    show: 'route show table 1000',
  },
  {
    name: 'route-v4-prefsrc',
    commands: ['route add 100.64.0.0/10 via 10.0.0.2 src 10.0.0.1'],
    show: 'route show 100.64.0.0/10',
  },
  {
    name: 'route-v4-via-v6',
    commands: ['route add 192.0.2.64/26 via inet6 fe80::1 dev d0'],
    show: 'route show 192.0.2.64/26',
  },
  { name: 'route-v6-single', commands: ['-6 route add 2001:db8::/32 via fd00::2'], show: '-6 route show 2001:db8::/32' },
  {
    name: 'route-v6-ecmp',
    commands: ['-6 route add 2001:db8:1::/48 nexthop via fd00::2 nexthop via fd01::2'],
    show: '-6 route show 2001:db8:1::/48',
  },
  { name: 'route-v4-delete', commands: ['route del 192.0.2.0/24 via 10.0.0.2'], show: 'route show 192.0.2.0/24' },
  { name: 'link-down', commands: ['link set d1 down'], show: 'link show d1' },
  { name: 'link-up', commands: ['link set d1 up'], show: 'link show d1' },
  { name: 'addr-v4-add', commands: ['addr add 10.2.0.1/24 dev d0'], show: '-4 addr show dev d0' },
  { name: 'addr-v4-delete', commands: ['addr del 10.2.0.1/24 dev d0'], show: '-4 addr show dev d0' },
  { name: 'addr-v6-add', commands: ['-6 addr add fd02::1/64 dev d0 nodad'], show: '-6 addr show dev d0' },
];


await settle();
// Interface index → name, to compare decoded ifindexes with `ip -j`'s `dev`.
const links = (ipJson('link show') as Array<{ ifindex: number; ifname: string }>).map((l) => [l.ifindex, l.ifname]);
writeFileSync(join(out, 'links.json'), `${JSON.stringify(Object.fromEntries(links), null, 2)}\n`);
for (const c of cases) {
  received = [];
  for (const cmd of c.commands) ip(cmd);
  await settle();
  const file = join(out, `${c.name}.json`);
  writeFileSync(file, `${JSON.stringify({ commands: c.commands.map((x) => `ip ${x}`), datagrams: received, ip: ipJson(c.show) }, null, 2)}\n`);
  process.stdout.write(`${c.name}: ${received.length} datagrams\n`);
}

// The kernel's answers to requests of ours: an error with extended ack (a gateway on no connected
// network), and a filtered dump (table 1000) as multi-part messages ending in NLMSG_DONE.
const w = new NetlinkWriter(Buffer.alloc(4096));
const req = (build: (w: NetlinkWriter) => void) => {
  w.rollback(0);
  build(w);
  return w.buf.subarray(0, w.pos);
};
const ctl = NetlinkSocket.open({});
const replies: string[] = [];
ctl.on('datagram', (d) => replies.push(d.toString('hex')));
const bad = req((w) =>
  encodeRoute(w, MessageType.NEWROUTE, Flag.CREATE | Flag.EXCL, 0, {
    family: 4,
    dst: '198.18.0.0',
    dstLength: 15,
    table: Table.MAIN,
    protocol: 72,
    nextHops: [{ gateway: '192.168.77.1' }],
  }),
);
const errors = await ctl.request(bad);
writeFileSync(
  join(out, 'ack-error.json'),
  `${JSON.stringify({ request: Buffer.from(bad).toString('hex'), datagrams: replies.splice(0), errors }, null, 2)}\n`,
);
const good = req((w) =>
  encodeRoute(w, MessageType.NEWROUTE, Flag.CREATE | Flag.EXCL, 0, {
    family: 4,
    dst: '198.18.0.0',
    dstLength: 15,
    table: Table.MAIN,
    protocol: 72,
    nextHops: [{ gateway: '10.0.0.2' }],
  }),
);
await ctl.request(good);
writeFileSync(
  join(out, 'ack-ok.json'),
  `${JSON.stringify({ request: Buffer.from(good).toString('hex'), datagrams: replies.splice(0) }, null, 2)}\n`,
);
ip('route add 192.0.2.0/25 via 10.0.0.2 table 1000');
ip('-6 route add 2001:db8:2::/48 via fd00::2 table 1000');
const dumpReq = req((w) => encodeRouteDump(w, 0, { table: 1000 }));
let count = 0;
await ctl.dump(dumpReq, () => count++);
writeFileSync(
  join(out, 'dump-table-1000.json'),
  `${JSON.stringify({ request: dumpReq.toString('hex'), datagrams: replies.splice(0), ip: ipJson('route show table 1000').concat(ipJson('-6 route show table 1000')) }, null, 2)}\n`,
);
process.stdout.write(`dump-table-1000: ${count} routes\n`);
await ctl.close();
await sock.close();
