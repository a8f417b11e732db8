// The BGP listener's TCP MD5 keys follow every source of neighbors: a neighbor another source adds
// (a BGPPeer, an FRRConfiguration) gets its key on the listener, so a peer dialling in with it is
// accepted; when the source drops the neighbor, the key goes too.
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { normalizeNeighbor } from '../../src/config/validate.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { connectTcp } from '../../src/session/socket-options.js';
import { freePort } from '../helpers/free-port.js';

const daemons: Daemon[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const d of daemons.splice(0)) await d.stop('test over');
});

/** Whether a connection from 127.0.0.2 signed with `key` (or unsigned) is accepted. */
async function accepted(port: number, key?: string): Promise<boolean> {
  try {
    const s = await connectTcp({
      host: '127.0.0.1',
      port,
      localAddress: '127.0.0.2',
      md5: key ? { key } : undefined,
      timeoutMs: 400,
    });
    sockets.push(s);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ETIMEDOUT') return false;
    throw e;
  }
}

describe('listener keys of neighbors from other sources', () => {
  it('a sourced neighbor with a password: its key is set on the listener, and removed with it', async () => {
    const port = await freePort();
    const config = parseConfig(
      `asn: 64512\nrouterId: 192.0.2.10\napi: false\nlisten: { address: 127.0.0.1, port: ${port} }\n`,
    );
    const daemon = new Daemon({ config, log: createLogger('silent') });
    daemons.push(daemon);
    await daemon.start();
    const peer = normalizeNeighbor(
      { address: '127.0.0.2', peerAsn: 65001, passive: true, password: 'from-a-bgppeer' },
      'spec',
    );
    daemon.setSourcedNeighbors('kubernetes', [peer]);
    expect(await accepted(port)).toBe(false);
    expect(await accepted(port, 'from-a-bgppeer')).toBe(true);
    daemon.setSourcedNeighbors('kubernetes', []);
    expect(await accepted(port, 'from-a-bgppeer')).toBe(false);
    expect(await accepted(port)).toBe(true);
  });
});
