// FRR-K8s mode end to end, beyond the merge of herald-frrk8s.test.ts (issue 21): one Herald node,
// two FRR routers of one AS (a ToR pair) on the node's LAN, FRRConfigurations from the fake API
// server, Herald with `fib.enabled` and `maximumPaths: 2`. One topology, in order:
// 1. a conflicting neighbor ASN: the newer FRRConfiguration is left out with a reason naming both
//    sources (GET /api/v1/frrk8s, a ConfigurationRejected Event, the FRRNodeState), the older one's
//    session stays up with its prefix at the router; correcting the newer one brings its prefix in
//    on the same session (FRR counts no new connection, its uptime goes on).
// 2. an allow list (toReceive) for both routers: of the two prefixes both send, the allowed one is
//    one ECMP kernel route over both routers, the other is not in the kernel.
// 3. FRR-K8s's own examples (metallb/frr-k8s at 43dd6d6, README.md and config/samples), each
//    applied as written except for addresses, ASNs, port and namespace (said at each), with the
//    outcome their docs give.
//
// Network: a bridge in r1 (198.18.81.0/24): router r1 .254 (the bridge), router r2 .253, the node
// .1; the fake API server listens on the host end of one more veth on that bridge (.100).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../k8s/fake-api-server.js';
import { frrConfiguration, node } from '../k8s/resources.js';
import { type HeraldInstance, startHerald } from './harness/herald.js';
import {
  addLan,
  type FrrPeer,
  interopUnavailable,
  kernelNextHops,
  startFrr,
  Topology,
  waitFor,
} from './harness/index.js';

const NET = '198.18.81';
const [R1, R2, API_HOST] = [`${NET}.254`, `${NET}.253`, `${NET}.100`];
const NODE = { name: 'node-1', address: `${NET}.1` };
/** The node's AS (also the router ASN of FRR-K8s's examples), and the ToR pair's. */
const [HERALD_ASN, TOR_ASN] = [64512, 65000];
/** Prefixes the node advertises (conflict test), and that both routers send: one allowed, one not. */
const [P1, P2] = ['203.0.113.0/24', '198.51.100.0/24'];
const [ALLOWED, FILTERED] = ['10.99.1.0/24', '10.99.2.0/24'];
/** What FRR-K8s's README toReceive example is about (its selectors and what they do not match). */
const README_RECEIVE = [
  '192.168.1.0/24',
  '192.168.1.0/25',
  '192.169.2.0/24',
  '192.169.2.0/26',
  '192.169.2.128/30',
];
const SESSION = { holdTime: '9s', keepaliveTime: '3s', connectTime: '1s' };

interface FrrK8sView {
  sources: { source: string; merged: boolean; reason: string | null }[];
  neighbors: { key: string; sources: string[]; state: string | null; advertised: { prefix: string }[] }[];
}

interface KubeEvent {
  reason: string;
  type: string;
  message: string;
  involvedObject: { kind: string; name: string; namespace: string; uid?: string };
}

/** An FRRConfiguration spec: one router of Herald's AS with these neighbors and prefixes. */
function routerSpec(neighbors: Record<string, unknown>[], prefixes?: string[]) {
  return { bgp: { routers: [{ asn: HERALD_ASN, neighbors, ...(prefixes && { prefixes }) }] } };
}

const advertising = (address: string, asn: number, prefix: string) => ({
  address,
  asn,
  ...SESSION,
  toAdvertise: { allowed: { prefixes: [prefix] } },
});

const sorted = (list: string[]) => [...list].sort();

describe.skipIf(interopUnavailable(['frr']) !== undefined)(
  'FRR-K8s mode: conflicts, allow lists into the kernel, FRR-K8s’s examples',
  () => {
    let t: Topology;
    let api: FakeApiServer;
    let r1: FrrPeer;
    let r2: FrrPeer;
    let herald: HeraldInstance;
    let nodeNs: string;

    /** What a router received from the node. */
    const atRouter = async (frr: FrrPeer) =>
      sorted((await frr.receivedRoutes('ipv4-unicast')).map((p) => p.prefix));
    const waitAtRouter = (frr: FrrPeer, expected: string[], what: string) =>
      waitFor(async () => JSON.stringify(await atRouter(frr)) === JSON.stringify(sorted(expected)), {
        timeoutMs: 15_000,
        what,
      });
    /** The routes Herald accepted from a neighbor (its Loc-RIB rows from it). */
    const acceptedFrom = async (neighbor: string) =>
      sorted(
        (
          await herald.api<{ prefix: string }[]>('GET', `/api/v1/routes?table=loc&neighbor=${neighbor}`)
        ).body.map((r) => r.prefix),
      );
    /** FRR's count of sessions established with the node, and the current one's uptime (ms). */
    const sessionAtRouter = async (frr: FrrPeer) => {
      const out = JSON.parse(await frr.cli([`show bgp neighbors ${NODE.address} json`])) as Record<
        string,
        { bgpState: string; connectionsEstablished: number; bgpTimerUpMsec: number }
      >;
      const n = out[NODE.address];
      return { state: n.bgpState, established: n.connectionsEstablished, upMs: n.bgpTimerUpMsec };
    };
    const view = async () => (await herald.api<FrrK8sView>('GET', '/api/v1/frrk8s')).body;
    /** Replaces every FRRConfiguration in the fake API server with `configs`. */
    const onlyConfigs = (...configs: ReturnType<typeof frrConfiguration>[]) => {
      for (const o of api.all('frrk8s.metallb.io/v1beta1', 'FRRConfiguration'))
        if (!configs.some((c) => c.metadata.name === o.metadata.name))
          api.delete(o as ReturnType<typeof frrConfiguration>);
      for (const c of configs) api.apply(c);
    };

    // The older configuration, and a newer one for the same neighbor with another ASN.
    const conflictA = frrConfiguration(
      'conflict-a',
      routerSpec([advertising(R1, TOR_ASN, P1)], [P1]),
      '2026-01-01T00:00:00Z',
    );
    const conflictB = (asn: number) =>
      frrConfiguration('conflict-b', routerSpec([advertising(R1, asn, P2)], [P2]), '2026-01-02T00:00:00Z');

    beforeAll(async () => {
      t = new Topology();
      const r1Ns = await t.addNamespace('r1');
      const r2Ns = await t.addNamespace('r2');
      nodeNs = await t.addNamespace('n');
      await addLan(t, {
        bridgeNs: r1Ns,
        address: `${R1}/24`,
        members: [
          { ns: nodeNs, address: `${NODE.address}/24` },
          { ns: r2Ns, address: `${R2}/24` },
        ],
        hostAddress: `${API_HOST}/24`,
      });

      api = new FakeApiServer();
      const kubeconfig = await api.serve(
        API_HOST,
        [node(NODE.name, { address: NODE.address }), conflictA, conflictB(TOR_ASN + 1)],
        t.dir,
      );

      const routes = [ALLOWED, FILTERED, ...README_RECEIVE].map((prefix) => ({ prefix }));
      const router = (ns: string, address: string) =>
        startFrr({
          ns,
          routerId: address,
          asn: TOR_ASN,
          localAddress: address,
          neighbors: [{ address: NODE.address, asn: HERALD_ASN, holdTime: 9 }],
          routes,
        });
      r1 = await router(r1Ns, R1);
      r2 = await router(r2Ns, R2);
      herald = await startHerald(
        t,
        nodeNs,
        {
          asn: HERALD_ASN,
          listen: false,
          maximumPaths: 2,
          fib: { enabled: true },
          kubernetes: { enabled: true, debounceMs: 50, frrk8s: true },
        },
        { env: { NODE_NAME: NODE.name }, args: ['--kubeconfig', kubeconfig] },
      );
    }, 60_000);

    afterAll(async () => {
      await herald?.stop();
      await api?.stop();
      await t?.destroy();
    }, 60_000);

    it('a newer configuration with another neighbor ASN is left out, named; the older one’s session runs on', async () => {
      const a = 'FRRConfiguration metallb-system/conflict-a';
      const b = 'FRRConfiguration metallb-system/conflict-b';
      await r1.waitEstablished(NODE.address, 20_000);
      await waitAtRouter(r1, [P1], 'the older configuration’s prefix at the router');

      // Left out with a reason naming both, in the API…
      const left = (await view()).sources.find((s) => s.source === b);
      expect(left).toMatchObject({ merged: false });
      expect(left?.reason).toContain(b);
      expect(left?.reason).toContain(a);
      expect(left?.reason).toContain(`asn: ${TOR_ASN + 1} here, ${TOR_ASN} in ${a}`);
      expect((await view()).sources.find((s) => s.source === a)).toMatchObject({ merged: true });
      // …in a Warning Event on the rejected FRRConfiguration (with its uid, for kubectl describe)…
      const uidB = api.get('frrk8s.metallb.io/v1beta1', 'FRRConfiguration', 'metallb-system', 'conflict-b')
        ?.metadata.uid;
      const event = await waitFor(
        () =>
          (api.all('v1', 'Event') as unknown as KubeEvent[]).find(
            (e) => e.reason === 'ConfigurationRejected' && e.involvedObject.name === 'conflict-b',
          ),
        { timeoutMs: 10_000, what: 'the ConfigurationRejected Event' },
      );
      expect(event).toMatchObject({
        type: 'Warning',
        message: left?.reason,
        involvedObject: { kind: 'FRRConfiguration', namespace: 'metallb-system', uid: uidB },
      });
      expect(
        (api.all('v1', 'Event') as unknown as KubeEvent[]).map((e) => e.involvedObject.name),
      ).not.toContain('conflict-a');
      // …and in the node's FRRNodeState (FRR-K8s's lastConversionResult).
      const nodeState = () =>
        (
          api.get('frrk8s.metallb.io/v1beta1', 'FRRNodeState', undefined, NODE.name) as unknown as
            | { status: Record<string, string> }
            | undefined
        )?.status;
      await waitFor(() => nodeState()?.lastConversionResult.includes(left?.reason ?? '?'), {
        timeoutMs: 10_000,
        what: 'the FRRNodeState naming the conflict',
      });
      expect(nodeState()?.lastConversionResult).toMatch(/^failed: /);
      expect(nodeState()?.runningConfig).toContain(P1);
      expect(nodeState()?.runningConfig).not.toContain(P2);
      // The router got only the older configuration's prefix on its one session.
      expect(await atRouter(r1)).toEqual([P1]);
      const before = await sessionAtRouter(r1);
      expect(before).toMatchObject({ state: 'Established', established: expect.any(Number) });
      expect(before.established).toBeGreaterThan(0);

      // Corrected: merged, its prefix comes in on the same session.
      api.apply(conflictB(TOR_ASN));
      await waitAtRouter(r1, [P1, P2], 'the corrected configuration’s prefix at the router');
      expect((await view()).sources.filter((s) => !s.merged)).toEqual([]);
      await waitFor(() => nodeState()?.lastConversionResult === 'success', {
        timeoutMs: 10_000,
        what: 'the FRRNodeState back to success',
      });
      const after = await sessionAtRouter(r1);
      expect(after.state).toBe('Established');
      // No reset: FRR counts no new connection, and the uptime (whole seconds in FRR) did not restart.
      expect(after.established).toBe(before.established);
      expect(after.upMs).toBeGreaterThanOrEqual(before.upMs);
    }, 60_000);

    it('an allow list for both routers: the allowed prefix is one ECMP kernel route, the other stays out', async () => {
      const neighbor = (address: string) => ({
        address,
        asn: TOR_ASN,
        ...SESSION,
        toReceive: { allowed: { prefixes: [{ prefix: ALLOWED }] } },
      });
      onlyConfigs(frrConfiguration('tor-pair', routerSpec([neighbor(R1), neighbor(R2)])));
      await herald.waitState(R1, 'Established', 20_000);
      await herald.waitState(R2, 'Established', 20_000);
      await waitFor(async () => (await kernelNextHops(nodeNs, ALLOWED)).length === 2, {
        timeoutMs: 15_000,
        what: 'the allowed prefix over both routers in the kernel',
      });
      expect(await kernelNextHops(nodeNs, ALLOWED)).toEqual(sorted([R1, R2]));
      for (const prefix of [FILTERED, ...README_RECEIVE])
        expect(await kernelNextHops(nodeNs, prefix)).toEqual([]);
      // Both routers sent both prefixes; only the allowed one was accepted, from each.
      expect(await acceptedFrom(R1)).toEqual([ALLOWED]);
      expect(await acceptedFrom(R2)).toEqual([ALLOWED]);
    }, 60_000);

    it('FRR-K8s’s config/samples/advertise_two_neighs_two_configs.yaml: each neighbor gets what its configuration allows', async () => {
      // FRR-K8s (README "Advertising a prefix to a given neighbor", "Merging"): a router's prefixes
      // are advertised only as toAdvertise says — `mode: all` all of them, a `prefixes` list just
      // those; two configurations for one router combine ("adding an extra neighbor with its set
      // of IPs"). So test-0's neighbor gets 192.168.2.0/24 and 192.169.2.0/24, test-1's neighbor
      // only 192.168.2.0/24, one session each. Adapted: the neighbors are r1 (172.18.0.5 in the
      // sample) and r2 (172.30.0.3), both AS 65000 (64512 and 4200000000 there), r2 on port 179
      // (180 there), namespace metallb-system (frr-k8s-system there); the rest as written.
      const prefixes = ['192.168.2.0/24', '192.169.2.0/24'];
      const test0 = frrConfiguration(
        'test-0',
        routerSpec(
          [
            {
              address: R1,
              asn: TOR_ASN,
              holdTime: '90s',
              keepaliveTime: '30s',
              port: 179,
              toAdvertise: { allowed: { mode: 'all' } },
            },
          ],
          prefixes,
        ),
      );
      const test1 = frrConfiguration(
        'test-1',
        routerSpec(
          [
            {
              address: R2,
              asn: TOR_ASN,
              ebgpMultiHop: true,
              port: 179,
              toAdvertise: { allowed: { prefixes: ['192.168.2.0/24'] } },
            },
          ],
          prefixes,
        ),
      );
      onlyConfigs(test0, test1);
      await r1.waitEstablished(NODE.address, 20_000);
      await r2.waitEstablished(NODE.address, 20_000);
      await waitAtRouter(r1, ['192.168.2.0/24', '192.169.2.0/24'], 'test-0’s prefixes at r1');
      await waitAtRouter(r2, ['192.168.2.0/24'], 'test-1’s prefix at r2');
      const v = await view();
      expect(v.sources.filter((s) => !s.merged)).toEqual([]);
      expect(v.neighbors.map((n) => [n.key, n.sources, n.state])).toEqual([
        [R2, ['FRRConfiguration metallb-system/test-1'], 'Established'],
        [R1, ['FRRConfiguration metallb-system/test-0'], 'Established'],
      ]);
      // Neither configuration opens toReceive: nothing the routers send is accepted.
      expect(await acceptedFrom(R1)).toEqual([]);
      expect(await acceptedFrom(R2)).toEqual([]);
    }, 60_000);

    it('FRR-K8s’s README toReceive examples: some prefixes with ge/le, then all merged over some', async () => {
      // FRR-K8s README "Receiving prefixes from a given neighbor": nothing a neighbor sends is
      // processed unless toReceive allows it; a selector with ge/le matches prefixes within it whose
      // length is between ge and le (a selector without them is FRR's exact prefix-list match,
      // which FRR-K8s renders it to). So of what r1 sends, 192.168.1.0/24 and 192.169.2.0/26 are
      // accepted; 192.168.1.0/25 (not exact), 192.169.2.0/24 (shorter than ge 25) and
      // 192.169.2.128/30 (longer than le 28) are not. Adapted: the neighbor is r1 (172.18.0.5 in
      // the README), AS 65000 (64512 there); the README's YAML indents asn/port/toReceive under
      // address, read here as the neighbor's fields.
      const selectors = [{ prefix: '192.168.1.0/24' }, { prefix: '192.169.2.0/24', ge: 25, le: 28 }];
      const some = frrConfiguration(
        'receive-some',
        routerSpec([
          { address: R1, asn: TOR_ASN, port: 179, toReceive: { allowed: { prefixes: selectors } } },
        ]),
      );
      onlyConfigs(some);
      await herald.waitState(R1, 'Established', 20_000);
      const expected = ['192.168.1.0/24', '192.169.2.0/26'];
      await waitFor(async () => JSON.stringify(await acceptedFrom(R1)) === JSON.stringify(expected), {
        timeoutMs: 15_000,
        what: 'the README’s selectors applied',
      });
      // With fib enabled they are the node's routes, over r1.
      await waitFor(async () => (await kernelNextHops(nodeNs, '192.169.2.0/26')).length === 1, {
        timeoutMs: 10_000,
        what: 'the accepted route in the kernel',
      });
      expect(await kernelNextHops(nodeNs, '192.168.1.0/24')).toEqual([R1]);
      expect(await kernelNextHops(nodeNs, '192.169.2.128/30')).toEqual([]);

      // README "FRR can be configured to handle all the prefixes announced" (`mode: all`), and
      // "Merging": "accepting all the prefixes has precedence over accepting some". A second
      // configuration with the README's receive-all for the same neighbor: everything r1 sends is
      // accepted, on the same session.
      const before = await sessionAtRouter(r1);
      api.apply(
        frrConfiguration(
          'receive-all',
          routerSpec([{ address: R1, asn: TOR_ASN, port: 179, toReceive: { allowed: { mode: 'all' } } }]),
          '2026-01-02T00:00:00Z',
        ),
      );
      const everything = sorted([ALLOWED, FILTERED, ...README_RECEIVE]);
      await waitFor(async () => JSON.stringify(await acceptedFrom(R1)) === JSON.stringify(everything), {
        timeoutMs: 15_000,
        what: 'everything r1 sends accepted',
      });
      expect((await sessionAtRouter(r1)).established).toBe(before.established);
    }, 60_000);
  },
);
