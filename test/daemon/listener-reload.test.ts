// A reload that moves the BGP listener where the host refuses it (a port in use, an address not on
// the host) is a rejected config: the listener stays where it was, the running config whole, and a
// later reload to a free port moves it (it had closed the old one, kept the new config half
// applied and then answered every later reload "no changes").
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/validate.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { freePort } from '../helpers/free-port.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const config = (port: number, address = '127.0.0.1') =>
  parseConfig(
    `asn: 64512\nrouterId: 192.0.2.10\nlisten: { address: ${address}, port: ${port} }\n` +
      'neighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n',
  );

/** Whether something accepts a TCP connection on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, timeout: 1000 }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

describe('reloading the BGP listener', () => {
  it('a port in use or an address not on the host: rejected, the listener and config kept', async () => {
    const first = await freePort();
    const daemon = new Daemon({ config: config(first), log: createLogger('silent') });
    closers.push(() => daemon.stop('test over'));
    await daemon.start();
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => taken.close(r)));
    const busy = (taken.address() as net.AddressInfo).port;

    for (const refused of [config(busy), config(first + 1, '192.0.2.99')]) {
      const error = await daemon.reload(refused).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems[0]).toMatch(/^listen: cannot listen there: /);
      expect(daemon.config.listen).toEqual({ address: '127.0.0.1', port: first });
      expect(await accepts(first)).toBe(true);
    }

    const moved = await freePort();
    const result = await daemon.reload(config(moved));
    expect(result.listenerRestarted).toBe(true);
    expect(await accepts(moved)).toBe(true);
    expect(await accepts(first)).toBe(false);
  });
});
