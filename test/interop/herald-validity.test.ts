// Route-level validity with a real peer (docs/conformance.md): FRR configured to treat Herald as a
// route-server client does not prepend its own AS, so its routes start with another AS. Herald
// treats them as withdrawn (RFC 4271 §6.3, RFC 7606 §7.2; FRR's enforce-first-as), logs the reason
// with the UPDATE in hex (RFC 7606 §6), and accepts them once the neighbor says `enforceFirstAs:
// false` (reload; the session is reset to apply it). Needs root and FRR.
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { delay, startFrr, useTopology, waitFor } from './harness/index.js';

const HERALD_ASN = 65000;
const FRR_ASN = 65010;
const PREFIX = '10.88.0.0/16';

describe('Herald ⇄ FRR: route validity', () => {
  const topo = useTopology();

  it("routes from a route server (AS_PATH not starting with the peer's AS) are refused until enforceFirstAs: false", async () => {
    const t = await topo.link();
    const config = (enforceFirstAs?: boolean) => ({
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: { address: t.a.ipv4, port: 179 },
      neighbors: [
        {
          address: t.b.ipv4,
          peerAsn: FRR_ASN,
          passive: true,
          ...(enforceFirstAs === undefined ? {} : { enforceFirstAs }),
        },
      ],
    });
    const herald = await startHerald(t, t.a.ns, config());
    await startFrr({
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: FRR_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN }],
      routes: [{ prefix: PREFIX, asPath: [65100] }],
      extraConfig: { ipv4: [`neighbor ${t.a.ipv4} route-server-client`] },
    });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);

    const refusal = await waitFor(
      () =>
        herald
          .logs()
          .find(
            (l) =>
              l.event === 'updateTreatAsWithdraw' &&
              JSON.stringify(l.errors).includes(`does not start with the peer's AS ${FRR_ASN}`),
          ),
      { timeoutMs: 15_000, what: 'Herald refusing the route server’s route' },
    );
    // The whole UPDATE is logged; it carries the prefix (10 = 0x0a, 88 = 0x58) and AS_PATH 65100.
    expect(String(refusal.update)).toContain('100a58');
    expect(String(refusal.update)).toContain('0000fe4c');
    await delay(500);
    expect((await herald.routes()).some((r) => r.prefix === PREFIX)).toBe(false);
    expect((await herald.neighbor(t.b.ipv4)).prefixes.received).toBe(0);

    herald.writeConfig(config(false));
    expect((await herald.api('POST', '/api/v1/config/reload')).status).toBe(200);
    const route = await waitFor(async () => (await herald.routes()).find((r) => r.prefix === PREFIX), {
      timeoutMs: 30_000,
      what: 'the route accepted with enforceFirstAs: false',
    });
    expect(route.asPath).toBe('65100');
    await herald.stop();
  }, 90_000);
});
