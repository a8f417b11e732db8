// The encoder against the kernel: route messages written by the codec and sent through
// NetlinkSocket (inside a network namespace this file creates, by kernel-routes.agent.ts) are
// accepted, and `ip -j route` shows exactly what was encoded; refused ones come back as typed
// per-message errors with the kernel's extended-ack text, without failing the rest of the batch.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flag } from '../../src/fib/netlink/index.js';
import type { RequestError } from '../../src/sys/netlink-socket.js';
import type { Topology } from '../interop/harness/index.js';
import { Agent, createRouteLab, ipRoutes, netnsUnavailable } from './netns-agent.js';

const NEW = Flag.CREATE | Flag.EXCL;

describe.skipIf(netnsUnavailable() !== undefined)('encoded route messages in the kernel', () => {
  let topology: Topology;
  let ns: string;
  let agent: Agent;
  let index: Record<string, number>;

  beforeAll(async () => {
    ({ topology, ns } = await createRouteLab());
    agent = await Agent.start(topology, ns);
    const links = JSON.parse((await topology.exec(ns, 'ip', ['-j', 'link'])).stdout) as Array<{
      ifindex: number;
      ifname: string;
    }>;
    index = Object.fromEntries(links.map((l) => [l.ifname, l.ifindex]));
  }, 60_000);

  afterAll(async () => {
    await agent?.close().catch(() => {});
    await topology?.destroy();
  }, 60_000);

  const send = (routes: object[]) => agent.call<{ errors: RequestError[] }>('request', { routes });

  it('installs single, ECMP, IPv6, table 1000 + metric and RTA_VIA routes in one batch', async () => {
    const { errors } = await send([
      {
        flags: NEW,
        route: {
          family: 4,
          dst: '192.0.2.0',
          dstLength: 24,
          table: 254,
          protocol: 72,
          nextHops: [{ gateway: '10.0.0.2' }],
        },
      },
      {
        flags: NEW,
        route: {
          family: 4,
          dst: '198.51.100.0',
          dstLength: 24,
          table: 1000,
          protocol: 72,
          priority: 300,
          nextHops: [
            { gateway: '10.0.0.2', ifindex: index.e0 },
            { gateway: '10.1.0.2', ifindex: index.e1, weight: 3 },
          ],
        },
      },
      {
        flags: NEW,
        route: {
          family: 6,
          dst: '2001:db8::',
          dstLength: 32,
          table: 254,
          protocol: 72,
          priority: 20,
          nextHops: [{ gateway: 'fd00::2' }, { gateway: 'fd01::2' }],
        },
      },
      {
        flags: NEW,
        route: {
          family: 4,
          dst: '203.0.113.0',
          dstLength: 24,
          table: 254,
          protocol: 72,
          nextHops: [{ gateway: 'fd02::2', ifindex: index.e2 }],
        },
      },
    ]);
    expect(errors).toEqual([]);
    expect(await ipRoutes(ns, '-4 route show 192.0.2.0/24')).toMatchObject([
      { dst: '192.0.2.0/24', gateway: '10.0.0.2', dev: 'e0', protocol: '72' },
    ]);
    expect(await ipRoutes(ns, '-4 route show table 1000')).toMatchObject([
      {
        dst: '198.51.100.0/24',
        metric: 300,
        protocol: '72',
        nexthops: [
          { gateway: '10.0.0.2', dev: 'e0', weight: 1 },
          { gateway: '10.1.0.2', dev: 'e1', weight: 3 },
        ],
      },
    ]);
    expect(await ipRoutes(ns, '-6 route show 2001:db8::/32')).toMatchObject([
      {
        metric: 20,
        nexthops: [
          { gateway: 'fd00::2', dev: 'e0' },
          { gateway: 'fd01::2', dev: 'e1' },
        ],
      },
    ]);
    expect(await ipRoutes(ns, '-4 route show 203.0.113.0/24')).toMatchObject([
      { via: { family: 'inet6', host: 'fd02::2' }, dev: 'e2' },
    ]);
  }, 60_000);

  it('reports each refused message of a batch by index, with errno and extended ack; the others apply', async () => {
    const { errors } = await send([
      {
        flags: NEW,
        route: {
          family: 4,
          dst: '192.0.2.0',
          dstLength: 24,
          table: 254,
          protocol: 72,
          nextHops: [{ gateway: '10.0.0.2' }],
        },
      },
      {
        flags: NEW,
        route: {
          family: 4,
          dst: '100.64.0.0',
          dstLength: 10,
          table: 254,
          protocol: 72,
          nextHops: [{ gateway: '10.0.0.3' }],
        },
      },
      {
        flags: NEW,
        route: {
          family: 4,
          dst: '100.65.0.0',
          dstLength: 16,
          table: 254,
          protocol: 72,
          nextHops: [{ gateway: '192.168.1.1' }],
        },
      },
    ]);
    expect(errors).toEqual([
      { index: 0, errno: 17, code: 'EEXIST' },
      { index: 2, errno: 101, code: 'ENETUNREACH', message: 'Nexthop has invalid gateway' },
    ]);
    expect(await ipRoutes(ns, '-4 route show 100.64.0.0/10')).toHaveLength(1);
  }, 60_000);

  it('RTM_DELROUTE names the protocol: another protocol’s route is not deleted', async () => {
    const del = (protocol: number) => ({
      type: 'del',
      flags: 0,
      route: { family: 4, dst: '192.0.2.0', dstLength: 24, table: 254, protocol },
    });
    expect((await send([del(73)])).errors).toMatchObject([{ index: 0, code: 'ESRCH' }]);
    expect(await ipRoutes(ns, '-4 route show 192.0.2.0/24')).toHaveLength(1);
    expect((await send([del(72)])).errors).toEqual([]);
    expect(await ipRoutes(ns, '-4 route show 192.0.2.0/24')).toHaveLength(0);
  }, 60_000);
});
