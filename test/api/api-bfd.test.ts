// GET /api/v1/bfd through Fastify's inject(), on a daemon whose BFD runs on an in-memory network
// (the interop test runs it over UDP against FRR and BIRD): one entry per neighbor with `bfd:`,
// documented in the OpenAPI document; a session that cannot be created is shown with its reason.
// POST reset/enable on a neighbor BFD holds down leave it down and answer `heldBy: "bfd"`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { managerRunner } from '../../src/bfd/manager-runner.js';
import type { BfdNetwork } from '../../src/bfd/network.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { ManualClock } from '../../src/session/clock.js';
import { MemoryFabric } from '../bfd/memory-network.js';

const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nbfdProfiles:\n  - { name: slow, minTx: 1000 }\nneighbors:\n' +
    '  - { address: 127.0.0.2, peerAsn: 64513, passive: true, bfd: { profile: slow, minRx: 300, multiplier: 3 } }\n' +
    '  - { address: 127.0.0.3, peerAsn: 64513, passive: true }\n',
);
const fabric = new MemoryFabric(new ManualClock());
const daemon = new Daemon({
  config,
  log: createLogger('silent'),
  bfdRunner: () => managerRunner(fabric.speaker('127.0.0.1')),
});
const app = buildApi(daemon);

beforeAll(() => daemon.start());
afterAll(async () => {
  await daemon.stop('test over');
  await app.close();
});

describe('GET /api/v1/bfd', () => {
  it('lists the BFD session of each neighbor that has one', async () => {
    const r = await app.inject('/api/v1/bfd');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual([
      expect.objectContaining({
        neighbor: '127.0.0.2',
        peer: '127.0.0.2',
        multihop: false,
        profile: 'slow',
        strict: false,
        bgpHeld: false,
        state: 'Down',
        localDiscriminator: expect.any(Number),
        remoteDiscriminator: 0,
        localDiag: 'none',
        multiplier: 3,
        rxInterval: null,
        lastDownDiag: null,
        uptimeSeconds: null,
        // Not Up: one packet at start, then 1 s apart (RFC 5880 §6.8.3).
        txInterval: 1000,
        counters: expect.objectContaining({ packetsOut: 1, upTransitions: 0 }),
        error: null,
      }),
    ]);
    expect((await app.inject('/api/v1/openapi.json')).json().paths['/api/v1/bfd'].get.tags).toEqual(['bfd']);
  });

  it('shows a session that could not be created as Unavailable, with the reason', async () => {
    const failing: BfdNetwork = {
      attach: () => {
        throw new Error('bind EADDRINUSE 0.0.0.0:3784');
      },
      close: async () => {},
    };
    const d = new Daemon({ config, log: createLogger('silent'), bfdRunner: () => managerRunner(failing) });
    const api = buildApi(d);
    await d.start();
    const [view] = (await api.inject('/api/v1/bfd')).json();
    expect(view).toMatchObject({
      neighbor: '127.0.0.2',
      state: 'Unavailable',
      error: 'bind EADDRINUSE 0.0.0.0:3784',
    });
    expect(d.peers.get('127.0.0.2')?.state).toBe('Active');
    await d.stop('test over');
    await api.close();
  });
});

describe('neighbor actions while BFD holds BGP down', () => {
  // Strict, and no BFD peer answers: BGP is held down until BFD is Up.
  const held = parseConfig(
    'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n' +
      '  - { address: 127.0.0.2, peerAsn: 64513, passive: true, bfd: { strict: true } }\n',
  );

  it('reset and enable leave the session down and say BFD holds it', async () => {
    const heldFabric = new MemoryFabric(new ManualClock());
    const d = new Daemon({
      config: held,
      log: createLogger('silent'),
      bfdRunner: () => managerRunner(heldFabric.speaker('127.0.0.1')),
    });
    const api = buildApi(d);
    await d.start();
    expect(d.peers.get('127.0.0.2')?.state).toBe('Idle');
    for (const action of ['reset', 'enable']) {
      const r = await api.inject({ method: 'POST', url: `/api/v1/neighbors/127.0.0.2/${action}` });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ address: '127.0.0.2', action, heldBy: 'bfd' });
      expect(d.peers.get('127.0.0.2')?.state).toBe('Idle');
    }
    expect((await api.inject('/api/v1/bfd')).json()[0]).toMatchObject({ bgpHeld: true });
    await d.stop('test over');
    await api.close();
  });
});
