// What each node says about a service (GET /api/v1/services, ServiceBGPStatus): a prefix's
// neighbors are those of its family, and only Herald's LoadBalancer services get a status object.
import { describe, expect, it } from 'vitest';
import type { KubernetesModeView } from '../../src/daemon/kubernetes-mode.js';
import { type ServiceNodeView, serviceNodeViews, statusViews } from '../../src/daemon/service-neighbors.js';

const route = (prefix: string) => ({
  prefix,
  advertisement: 'adv',
  communities: [],
  largeCommunities: [],
  localPref: undefined,
  peers: null,
});

/** A node with an IPv4-only neighbor and an IPv6-only one, and the services given. */
function view(services: unknown[]): KubernetesModeView {
  const families: Record<string, string> = { '10.0.0.1': 'ipv4-unicast', 'fd00::1': 'ipv6-unicast' };
  return {
    state: () => ({ services, announcements: [] }),
    peerAddress: () => undefined,
    carriesFamily: (address: string, family: string) => families[address] === family,
  } as unknown as KubernetesModeView;
}

describe('service views', () => {
  it("a prefix's neighbors are those configured for its family", () => {
    const [web] = serviceNodeViews(
      view([
        {
          service: 'default/web',
          ips: ['192.0.2.10', '2001:db8::10'],
          announced: true,
          routes: [route('192.0.2.10/32'), route('2001:db8::10/128')],
        },
      ]),
      ['10.0.0.1', 'fd00::1'],
    );
    expect(web.routes.map((r) => [r.prefix, r.neighbors])).toEqual([
      ['192.0.2.10/32', ['10.0.0.1']],
      ['2001:db8::10/128', ['fd00::1']],
    ]);
  });

  it('a status object only for LoadBalancer services of our class', () => {
    const v = (service: string, reason: string | null): ServiceNodeView => ({
      service,
      ips: [],
      pool: null,
      announced: reason === null,
      reason,
      detail: null,
      routes: [],
    });
    const views = [
      v('default/web', null),
      v('default/idle', 'noEndpoints'),
      v('default/internal', 'notLoadBalancer'),
      v('default/other', 'loadBalancerClassMismatch'),
    ];
    expect(statusViews(views).map((x) => x.service)).toEqual(['default/web', 'default/idle']);
  });
});
