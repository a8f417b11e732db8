// Kubernetes mode with a BGPPeer given by `interface` (MetalLB's BGP unnumbered): the node peers
// with an FRR router over a link that has link-local addresses only, and the service IP reaches
// the router with the node's link-local address as next hop (RFC 8950), the BGPPeer named by the
// advertisement's `peers`. The fake API server is reached over a second link (a LAN with the host).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../k8s/fake-api-server.js';
import { advertisement, node, peer, pool, service, slice } from '../k8s/resources.js';
import { type HeraldInstance, startHerald } from './harness/herald.js';
import {
  addLan,
  type FrrPeer,
  interopUnavailable,
  run,
  startFrr,
  Topology,
  waitFor,
} from './harness/index.js';

const NET = '198.18.78';
const NODE = { name: 'node-1', address: `${NET}.1` };
const API_HOST = `${NET}.100`;
const HERALD_ASN = 64512;
const ROUTER_ASN = 65000;
const SERVICE_IP = '203.0.113.20';

describe.skipIf(interopUnavailable(['frr']) !== undefined)('Kubernetes mode: a BGPPeer by interface', () => {
  let t: Topology;
  let api: FakeApiServer;
  let frr: FrrPeer;
  let herald: HeraldInstance;
  let n: string;
  let r: string;

  beforeAll(async () => {
    t = new Topology();
    const k = await t.addNamespace('k');
    n = await t.addNamespace('n');
    r = await t.addNamespace('r');
    await addLan(t, {
      bridgeNs: k,
      members: [{ ns: n, address: `${NODE.address}/24` }],
      hostAddress: `${API_HOST}/24`,
    });
    // The unnumbered link: node `to-r` ⇄ router `to-n`, link-local addresses only.
    await run('ip', ['link', 'add', 'to-r', 'netns', n, 'type', 'veth', 'peer', 'name', 'to-n', 'netns', r]);
    for (const [ns, ifname] of [
      [n, 'to-r'],
      [r, 'to-n'],
    ]) {
      await run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${ifname}.accept_dad=0`]);
      await run('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
    }
    api = new FakeApiServer();
    const kubeconfig = await api.serve(
      API_HOST,
      [
        pool('lb', { addresses: ['203.0.113.0/24'] }),
        advertisement('to-router', { peers: ['router'], communities: ['64512:7'] }),
        peer('router', { myASN: HERALD_ASN, peerASN: ROUTER_ASN, interface: 'to-r', holdTime: '9s' }),
        node(NODE.name, { address: NODE.address }),
        service('web', { ips: [SERVICE_IP] }),
        slice('web', [{ node: NODE.name }]),
      ],
      t.dir,
    );
    frr = await startFrr({
      ns: r,
      routerId: '10.255.0.254',
      asn: ROUTER_ASN,
      localAddress: '10.255.0.254',
      neighbors: [],
      extraConfig: {
        bgp: [`neighbor to-n interface remote-as ${HERALD_ASN}`, 'neighbor to-n timers connect 1'],
        ipv4: ['neighbor to-n activate'],
      },
    });
    herald = await startHerald(
      t,
      n,
      { asn: HERALD_ASN, listen: { address: '::' }, kubernetes: { enabled: true, debounceMs: 50 } },
      { env: { NODE_NAME: NODE.name }, args: ['--kubeconfig', kubeconfig] },
    );
  }, 60_000);

  afterAll(async () => {
    await herald?.stop();
    await api?.stop();
    await t?.destroy();
  }, 60_000);

  it("the service IP reaches the router with the node's link-local next hop", async () => {
    const linkLocal = async (ns: string, ifname: string) => {
      const r = await run('ip', ['-n', ns, '-j', '-6', 'addr', 'show', 'dev', ifname, 'scope', 'link']);
      return (JSON.parse(r.stdout) as { addr_info: { local: string }[] }[])[0].addr_info[0].local;
    };
    const nodeLinkLocal = await linkLocal(n, 'to-r');
    const routerLinkLocal = await linkLocal(r, 'to-n');
    await herald.waitState(encodeURIComponent(`${routerLinkLocal}%to-r`), 'Established', 30_000);
    const atRouter = async () =>
      (await frr.receivedRoutes('ipv4-unicast')).find((p) => p.prefix === `${SERVICE_IP}/32`);
    await waitFor(async () => (await atRouter()) !== undefined, {
      timeoutMs: 20_000,
      what: 'the service at the router',
    });
    const route = await atRouter();
    expect([route?.nextHop, route?.linkLocalNextHop]).toContain(nodeLinkLocal);
    expect(route?.communities).toEqual(['64512:7']);
    // What the node says: announced to the BGPPeer's session on its link-local address.
    const services = await herald.api<{ services: { service: string; routes: { neighbors: string[] }[] }[] }>(
      'GET',
      '/api/v1/services',
    );
    const web = services.body.services.find((s) => s.service === 'default/web');
    expect(web?.routes[0].neighbors).toEqual([`${routerLinkLocal}%to-r`]);
  }, 60_000);
});
