// Operating the real binary against a real BIRD in network namespaces: the CLI's tables, token
// auth, a reload that adds an announcement without resetting the session (BIRD's own session
// uptime keeps counting), one by SIGHUP, a bad reload rejected with its reasons, a reload that
// resets only the changed neighbor, and a health check whose flips withdraw and re-announce a
// route at the peer. Needs root and bird2.
import { execFile } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startHerald } from './harness/herald.js';
import { type RunningPeer, startPeer, useTopology, waitFor } from './harness/index.js';

const HERALD = fileURLToPath(new URL('../../bin/herald', import.meta.url));
const HERALD_ASN = 65301;
const PEER_ASN = 65302;
const TOKEN = 'operate-token-7f3a';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `herald` CLI against the daemon's unix socket (bounded). */
function cli(socket: string, args: string[], token?: string): Promise<CliResult> {
  const env = { ...process.env, HERALD_API: `unix:${socket}`, HERALD_API_TOKEN: token ?? '' };
  return new Promise((resolve) => {
    execFile(HERALD, args, { env, timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function prefixesAt(peer: RunningPeer): Promise<string[]> {
  return (await peer.receivedRoutes('ipv4-unicast')).map((r) => r.prefix).sort();
}

async function waitPrefixes(peer: RunningPeer, expected: string[], what: string): Promise<void> {
  await waitFor(async () => JSON.stringify(await prefixesAt(peer)) === JSON.stringify(expected), {
    timeoutMs: 15_000,
    what,
  });
}

describe('operating Herald: CLI, token, reload, health checks (BIRD peer)', () => {
  const topo = useTopology();

  it('reloads without resetting the session, rejects a bad config, follows a health check', async () => {
    const t = await topo.link();
    const healthy = join(t.dir, 'service-healthy');
    writeFileSync(healthy, 'ok');
    writeFileSync(join(t.dir, 'token'), `${TOKEN}\n`);
    const peer = await startPeer('bird', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, passive: true }],
      routes: [{ prefix: '203.0.113.0/24' }],
    });
    const config = {
      asn: HERALD_ASN,
      routerId: t.a.ipv4,
      listen: false,
      api: { tokenFile: join(t.dir, 'token') },
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN, holdTime: 30, description: 'bird' }],
      announce: [
        { prefix: '198.51.100.1/32' },
        {
          prefix: '198.51.100.2/32',
          healthCheck: { command: `test -f ${healthy}`, interval: 0.2, timeout: 2, rise: 1, fall: 1 },
        },
      ],
    };
    const herald = await startHerald(t, t.a.ns, config, { token: TOKEN });
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    await waitPrefixes(peer, ['198.51.100.1/32', '198.51.100.2/32'], 'BIRD receiving both routes');
    await waitFor(async () => (await herald.routes({ table: 'loc', neighbor: t.b.ipv4 })).length === 1, {
      timeoutMs: 10_000,
      what: 'the peer route in the Loc-RIB',
    });

    // The API's unix socket is for the host's operators alone (SECURITY.md).
    expect((statSync(herald.socket).mode & 0o777).toString(8)).toBe('600');

    // The CLI: a `show ip bgp summary`-like table and the health of each announcement.
    const neighbors = await cli(herald.socket, ['neighbors']);
    expect(neighbors.code).toBe(0);
    const row = neighbors.stdout.split('\n').find((l) => l.startsWith(t.b.ipv4));
    expect(row?.split(/\s+/)).toEqual([
      t.b.ipv4,
      String(PEER_ASN),
      expect.any(String),
      expect.any(String),
      expect.stringMatching(/^\d\d:\d\d:\d\d$/),
      '1',
      '2', // PfxSnt: Herald's two announcements
      'bird', // Desc
    ]);
    const announcements = await cli(herald.socket, ['announcements']);
    expect(announcements.stdout).toMatch(
      /198\.51\.100\.2\/32\s+config\s+announced\s+1\/1\s+up \(exit 0\)\s+command test -f/,
    );

    // The three tables: what BIRD sent (Loc-RIB, best marked), what Herald sends (Adj-RIB-Out).
    const out = await herald.routes({ table: 'out' });
    expect(out.map((r) => r.prefix).sort()).toEqual(['198.51.100.1/32', '198.51.100.2/32']);
    expect(await herald.routes({ table: 'out', afi: 'ipv6' })).toEqual([]);
    expect(await herald.routes({ table: 'loc' })).toMatchObject([
      { prefix: '198.51.100.1/32', neighbor: 'local', asPath: '', best: true },
      { prefix: '198.51.100.2/32', neighbor: 'local', asPath: '', best: true },
      { prefix: '203.0.113.0/24', neighbor: t.b.ipv4, asPath: String(PEER_ASN), best: true, stale: false },
    ]);
    const table = (await cli(herald.socket, ['routes', '--table', 'loc'])).stdout.split('\n');
    // Herald's own routes as FRR shows local ones: next hop 0.0.0.0, weight 32768.
    expect(table[1]).toMatch(/^\*>\s+198\.51\.100\.1\/32\s+0\.0\.0\.0\s+32768\s+i$/);
    expect(table[3]).toMatch(
      new RegExp(`^\\*>\\s+203\\.0\\.113\\.0/24\\s+${t.b.ipv4.replace(/\./g, '\\.')}\\s+0\\s+${PEER_ASN} i$`),
    );

    // Token auth: a mutating call without the token is refused, with it it works.
    const refused = await cli(herald.socket, ['announce', '203.0.113.9/32']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('unauthorized');
    expect((await cli(herald.socket, ['withdraw', '203.0.113.9/32'], 'wrong')).stderr).toContain(
      'unauthorized',
    );

    // Reload adding an announcement: the session stays up (BIRD's uptime keeps counting).
    const uptimeBefore = await peer.sessionUptimeSeconds(t.a.ipv4);
    expect(uptimeBefore).toBeGreaterThan(0);
    herald.writeConfig({ ...config, announce: [...config.announce, { prefix: '198.51.100.3/32' }] });
    const reload = await cli(herald.socket, ['reload'], TOKEN);
    expect(reload).toMatchObject({ code: 0 });
    expect(reload.stdout).toContain('announcement 198.51.100.3/32 added');
    await waitPrefixes(peer, ['198.51.100.1/32', '198.51.100.2/32', '198.51.100.3/32'], 'the reload');
    expect(await peer.sessionUptimeSeconds(t.a.ipv4)).toBeGreaterThanOrEqual(uptimeBefore);
    expect((await herald.neighbor(t.b.ipv4)) as unknown).toMatchObject({ state: 'Established', flaps: 0 });

    // SIGHUP does the same: .3 goes away again, still no reset.
    herald.writeConfig(config);
    process.kill(herald.process.pid as number, 'SIGHUP');
    await waitPrefixes(peer, ['198.51.100.1/32', '198.51.100.2/32'], 'the SIGHUP reload');
    expect(await peer.sessionUptimeSeconds(t.a.ipv4)).toBeGreaterThanOrEqual(uptimeBefore);

    // A bad config is rejected with its reasons; the running one stays.
    writeFileSync(herald.configFile, 'asn: 65301\nneighbors:\n  - { address: 10.0.0.1, peerAsn: 0 }\n');
    const bad = await cli(herald.socket, ['reload'], TOKEN);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('configInvalid');
    expect(bad.stderr).toContain('neighbors[0].peerAsn: must be an integer 1..4294967295');
    expect(herald.logs().some((l) => l.event === 'configReloadFailed')).toBe(true);
    expect((await herald.neighbor(t.b.ipv4)).state).toBe('Established');

    // The health check fails: BIRD loses the route; it recovers: BIRD gets it back.
    rmSync(healthy);
    await waitPrefixes(peer, ['198.51.100.1/32'], 'the unhealthy route being withdrawn');
    expect((await cli(herald.socket, ['announcements'])).stdout).toMatch(
      /198\.51\.100\.2\/32\s+config\s+withdrawn\s+\d\/1\s+down/,
    );
    writeFileSync(healthy, 'ok');
    await waitPrefixes(peer, ['198.51.100.1/32', '198.51.100.2/32'], 'the route coming back');
    expect(
      herald
        .logs()
        .filter((l) => l.event === 'healthCheckChanged')
        .map((l) => l.state),
    ).toEqual(['up', 'down', 'up']);
    expect(await peer.sessionUptimeSeconds(t.a.ipv4)).toBeGreaterThanOrEqual(uptimeBefore);

    // A change the session was opened with (hold time) resets that session alone.
    const uptimeBeforeReset = await peer.sessionUptimeSeconds(t.a.ipv4);
    herald.writeConfig({ ...config, neighbors: [{ ...config.neighbors[0], holdTime: 60 }] });
    const reset = await cli(herald.socket, ['reload', '--json'], TOKEN);
    expect(JSON.parse(reset.stdout).neighborsReset).toEqual([
      { address: t.b.ipv4, keys: ['holdTime', 'keepalive'] },
    ]);
    await herald.waitState(t.b.ipv4, 'Established', 20_000);
    expect((await herald.neighbor(t.b.ipv4)).holdTime).toBe(60);
    await waitPrefixes(peer, ['198.51.100.1/32', '198.51.100.2/32'], 'routes after the reset');
    expect(await peer.sessionUptimeSeconds(t.a.ipv4)).toBeLessThan(uptimeBeforeReset);
    expect(herald.logs().some((l) => l.event === 'neighborReset' && l.peer === t.b.ipv4)).toBe(true);
  }, 90_000);

  it('a reload that adds an MD5 neighbor gives the running listener its key', async () => {
    const t = await topo.link();
    const config = { asn: HERALD_ASN, routerId: t.a.ipv4, listen: { address: t.a.ipv4, port: 179 } };
    const herald = await startHerald(t, t.a.ns, { ...config, neighbors: [] });
    const peer = await startPeer('bird', {
      ns: t.b.ns,
      routerId: t.b.ipv4,
      asn: PEER_ASN,
      localAddress: t.b.ipv4,
      neighbors: [{ address: t.a.ipv4, asn: HERALD_ASN, password: 'reload-key' }],
    });
    herald.writeConfig({
      ...config,
      neighbors: [{ address: t.b.ipv4, peerAsn: PEER_ASN, passive: true, passwordEnv: 'NOT_SET_ANYWHERE' }],
    });
    // A secret that cannot be read rejects the whole file.
    const rejected = await cli(herald.socket, ['reload']);
    expect(rejected.stderr).toContain(
      'neighbors[0].passwordEnv: environment variable NOT_SET_ANYWHERE is not set',
    );
    writeFileSync(join(t.dir, 'md5.key'), 'reload-key\n');
    herald.writeConfig({
      ...config,
      neighbors: [
        { address: t.b.ipv4, peerAsn: PEER_ASN, passive: true, passwordFile: join(t.dir, 'md5.key') },
      ],
    });
    const reload = await cli(herald.socket, ['reload']);
    expect(reload.stdout).toContain(`neighbor ${t.b.ipv4} added`);
    expect(reload.stdout).not.toContain('listener re-opened');
    await herald.waitState(t.b.ipv4, 'Established', 30_000);
    await peer.waitEstablished(t.a.ipv4, 10_000);
    expect(JSON.stringify(herald.logs())).not.toContain('reload-key');
  }, 90_000);
});
