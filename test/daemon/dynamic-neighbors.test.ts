// Dynamic neighbors (`dynamicNeighbors`) on a real listener: a neighbor exists while its connection
// does (removed a while after its session ends, or after a connection that never came up, as FRR
// removes them; the daemon's minute of grace is shortened here), and a range admits at most `limit`
// neighbors at once (FRR's `bgp listen limit`).
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { encodeOpen, KEEPALIVE } from '../../src/wire/index.js';
import { freePort } from '../helpers/free-port.js';

const daemons: Daemon[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const d of daemons.splice(0)) await d.stop('test over');
});

async function start(limit: number): Promise<{ daemon: Daemon; port: number }> {
  const port = await freePort();
  const config = parseConfig(
    `asn: 64512\nrouterId: 192.0.2.10\napi: false\nlisten: { address: 127.0.0.1, port: ${port} }\n` +
      `dynamicNeighbors:\n  - { range: 127.0.0.0/8, peerAsn: 65001, limit: ${limit} }\n`,
  );
  const daemon = new Daemon({ config, log: createLogger('silent'), dynamicLingerMs: 300 });
  daemons.push(daemon);
  await daemon.start();
  return { daemon, port };
}

/** A TCP connection from `from`: resolves with the socket once connected. */
function dial(port: number, from: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, localAddress: from }, () => resolve(s));
    s.on('error', reject);
    sockets.push(s);
  });
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const closed = (s: Socket) =>
  new Promise<void>((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())));

describe('dynamic neighbors', () => {
  it('a neighbor whose session ends is removed; one that never came up too', async () => {
    const { daemon, port } = await start(10);
    const s = await dial(port, '127.0.0.2');
    s.on('data', () => {});
    s.write(encodeOpen({ version: 4, myAsn: 65001, holdTime: 90, bgpId: '10.0.0.2', capabilities: [] }));
    s.write(KEEPALIVE);
    await until('the session Established', () => daemon.peers.get('127.0.0.2')?.state === 'Established');
    s.destroy();
    await until('the neighbor removed', () => !daemon.peers.has('127.0.0.2'));
    expect(daemon.engine.neighbor('127.0.0.2')).toBeUndefined();

    const silent = await dial(port, '127.0.0.3');
    await until('the neighbor created', () => daemon.peers.has('127.0.0.3'));
    silent.destroy();
    await until('the neighbor removed', () => !daemon.peers.has('127.0.0.3'));
  }, 30_000);

  it('a range at its limit refuses more connections; room again once one is gone', async () => {
    const { daemon, port } = await start(2);
    const first = await dial(port, '127.0.0.2');
    await dial(port, '127.0.0.3');
    await until('two neighbors', () => daemon.peers.size === 2);
    const third = await dial(port, '127.0.0.4');
    await closed(third);
    expect([...daemon.peers.keys()].sort()).toEqual(['127.0.0.2', '127.0.0.3']);
    first.destroy();
    await until('the first neighbor removed', () => !daemon.peers.has('127.0.0.2'));
    await dial(port, '127.0.0.4');
    await until('the third admitted', () => daemon.peers.has('127.0.0.4'));
  }, 30_000);
});
