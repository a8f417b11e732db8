// Interface neighbors inside the daemon: loaded on demand, each found peer a neighbor of its own
// (passive here, so nothing dials), a warning when the listener takes no IPv6 connections, and a
// reload without them removes the neighbor and stops looking. The kernel's neighbor table and the
// RA socket are stand-ins; interface `lo` stands for the link.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { FakeLinkRouters } from '../helpers/fake-link-routers.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../interop/harness/util.js';

const daemons: Daemon[] = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop('test over');
});

const config = (port: number, neighbors: string) =>
  parseConfig(
    `asn: 64512\nrouterId: 192.0.2.10\napi: false\nlisten: { address: 127.0.0.1, port: ${port} }\n${neighbors}`,
  );

describe('interface neighbors in the daemon', () => {
  it('run on the address found on their link, and go with a reload that drops them', async () => {
    const routers = new FakeLinkRouters();
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const port = await freePort();
    const daemon = new Daemon({
      config: config(port, 'neighbors:\n  - { interface: lo, peerAsn: 65001, passive: true }\n'),
      log: createLogger('info', { format: 'json', destination }),
      unnumbered: {
        routers: () => routers.asRouters,
        advertiser: () => ({ send: () => undefined, close: () => {} }),
      },
    });
    daemons.push(daemon);
    await daemon.start();
    await waitFor(() => routers.started, { timeoutMs: 5000, intervalMs: 10, what: 'discovery started' });
    expect(lines.some((l) => l.includes('the BGP listener takes no IPv6 connections'))).toBe(true);
    expect(daemon.interfaceNeighbors()).toEqual([{ interface: 'lo' }]);
    routers.emit('router', 1, 'fe80::2');
    expect([...daemon.peers.keys()]).toEqual(['fe80::2%lo']);
    expect(daemon.neighborConfig('fe80::2%lo')).toMatchObject({ peerAsn: 65001, passive: true });
    expect(daemon.interfaceNeighbors()).toEqual([{ interface: 'lo', address: 'fe80::2%lo' }]);
    await daemon.reload(config(port, 'neighbors: []\n'));
    expect([...daemon.peers.keys()]).toEqual([]);
    expect(daemon.interfaceNeighbors()).toEqual([]);
    await waitFor(() => !routers.started, { timeoutMs: 5000, intervalMs: 10, what: 'discovery stopped' });
  });
});
