// The container's way of running the daemon (bin/herald-as-user, the image's and the DaemonSet's
// command): started as root holding only the capabilities the manifests add (NET_BIND_SERVICE,
// NET_ADMIN, SETUID, SETGID, CHOWN) with no_new_privs set, as allowPrivilegeEscalation: false does,
// Herald ends up as uid 1000 with NET_BIND_SERVICE and NET_ADMIN alone, and still does what needs
// them: listens on port 179, accepts a TCP-MD5-signed session from BIRD, installs the route BIRD
// sends into the kernel, and keeps an API announcement in the state directory handed to it.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { kernelRoutes, startPeer, useTopology, waitFor } from './harness/index.js';

const AS_USER = fileURLToPath(new URL('../../bin/herald-as-user', import.meta.url));
const CONTAINER_CAPS = '-all,+net_bind_service,+net_admin,+setuid,+setgid,+chown';
// linux/capability.h: CAP_NET_BIND_SERVICE 10, CAP_NET_ADMIN 12.
const DAEMON_CAPS = (1n << 10n) | (1n << 12n);

function status(pid: number): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const [key, value] = line.split(':\t');
    if (value !== undefined) fields[key as string] = value.trim();
  }
  return fields;
}

describe('Herald run by bin/herald-as-user', () => {
  const topo = useTopology();

  it('drops to uid 1000 with two capabilities and still listens on 179, signs with MD5, installs routes, keeps state', async () => {
    const t = await topo.link();
    chmodSync(t.dir, 0o1777); // the API socket is created by the unprivileged daemon
    const stateDir = join(t.dir, 'state');
    mkdirSync(stateDir, { mode: 0o755 });
    const herald = await startHerald(
      t,
      t.a.ns,
      {
        asn: 65000,
        routerId: t.a.ipv4,
        listen: { address: t.a.ipv4, port: 179 },
        fib: { enabled: true },
        stateDir,
        neighbors: [{ address: t.b.ipv4, peerAsn: 65010, passive: true, password: 'container-secret' }],
      },
      {
        launcher: ['setpriv', `--bounding-set=${CONTAINER_CAPS}`, '--no-new-privs', '--', AS_USER],
        env: { HERALD_STATE_DIR: stateDir },
      },
    );
    const proc = status(herald.process.pid);
    expect(proc.Uid?.split(/\s+/)).toEqual(['1000', '1000', '1000', '1000']);
    expect(proc.Gid?.split(/\s+/)).toEqual(['1000', '1000', '1000', '1000']);
    expect(BigInt(`0x${proc.CapEff}`)).toBe(DAEMON_CAPS);
    expect(BigInt(`0x${proc.CapPrm}`)).toBe(DAEMON_CAPS);
    expect(proc.NoNewPrivs).toBe('1');
    expect(statSync(stateDir).uid).toBe(1000);

    await startPeer('bird', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: 65010,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: 65000, password: 'container-secret' }],
      routes: [{ prefix: '10.99.0.0/16' }],
    });
    await herald.waitState(t.b.ipv4, 'Established', 30_000);
    const route = await waitFor(
      async () => (await kernelRoutes(t.a.ns)).find((r) => r.dst === '10.99.0.0/16'),
      { timeoutMs: 15_000, what: 'the kernel route installed by the unprivileged daemon' },
    );
    expect(route.gateway).toBe(t.b.ipv4);

    const announced = await herald.api('POST', '/api/v1/announcements', { prefix: '192.0.2.0/24' });
    expect(announced.status).toBeLessThan(300);
    const file = join(stateDir, 'announcements.json');
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('192.0.2.0/24'), {
      timeoutMs: 10_000,
      what: 'the announcement kept in the state directory',
    });
    expect(statSync(file).uid).toBe(1000);
  }, 90_000);
});
