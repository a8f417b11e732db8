// TCP probe: healthy when a connect completes. The socket is destroyed right after, or on abort.
import net from 'node:net';
import { errorDetail } from './error-detail.js';
import type { TcpTarget } from './spec.js';
import type { ProbeResult } from './types.js';

export function connectTcp(target: TcpTarget, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const finish = (result: ProbeResult) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish({ ok: false, detail: 'aborted' });
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ ok: true, detail: 'connected' }));
    socket.once('error', (err) => finish({ ok: false, detail: errorDetail(err) }));
  });
}
