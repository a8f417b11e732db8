// alwaysBlock from the config reaches every neighbor and the API: GET /api/v1/neighbors counts the
// blocked routes as received, not accepted, and as rejectedAlwaysBlock; a reload that drops the
// list accepts them in place. (The session is driven through its RIB: no sockets.)
import { afterEach, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import type { Sink } from '../../src/rib/adj-rib-out.js';
import { codecContext, encodeUpdate, parsePrefix } from '../../src/wire/index.js';
import { sessionFacts } from '../helpers/engine.js';

const ctx = codecContext({ as4: true });
const sink: Sink = { send: () => true, drained: async () => {}, open: true };
const base =
  'asn: 64512\nrouterId: 192.0.2.100\nlisten: false\nneighbors: [{address: 192.0.2.1, peerAsn: 65001}]\n';
let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.stop('test over');
  daemon = undefined;
});

async function prefixesView(d: Daemon) {
  const app = buildApi(d);
  try {
    return (await app.inject('/api/v1/neighbors/192.0.2.1')).json().prefixes;
  } finally {
    await app.close();
  }
}

describe('alwaysBlock', () => {
  it('is enforced for a neighbor without import policy and shown in the API counts', async () => {
    const d = new Daemon({
      config: parseConfig(`${base}alwaysBlock: [10.96.0.0/12]\n`),
      log: createLogger('silent'),
      dial: () => new Promise(() => {}),
    });
    daemon = d;
    await d.start();
    const n = d.engine.neighbor('192.0.2.1')!;
    n.up(sessionFacts({ peerAsn: 65001, localAddress: '192.0.2.100', ctx }), sink);
    const attributes = { origin: 0, asPath: [{ type: 2, asns: [65001] }], nextHop: '192.0.2.1' } as const;
    const nlri = ['10.96.0.10/32', '10.100.0.0/16', '198.51.100.0/24'].map(parsePrefix);
    n.received(encodeUpdate({ withdrawn: [], nlri, attributes }, ctx).subarray(19));
    expect(await prefixesView(d)).toMatchObject({ received: 3, accepted: 1, rejectedAlwaysBlock: 2 });
    await d.reload(parseConfig(base));
    expect(await prefixesView(d)).toMatchObject({ received: 3, accepted: 3, rejectedAlwaysBlock: 0 });
  });
});
