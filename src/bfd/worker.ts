// The BFD worker thread: a BfdManager over UDP, away from the daemon's event loop, so periodic
// transmission and the detection timers keep their schedule while the daemon's thread is busy with
// a full-table ingest, a route listing or garbage collection (RFC 5880 §6.8.7: packets every
// bfd.DesiredMinTxInterval with at most 25 % jitter; a transmitter that stalls for the Detection
// Time is declared down by its peer). State changes go to the daemon as messages (worker-protocol.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { type BfdHandle, BfdManager } from './manager.js';
import { BfdUdpNetwork } from './udp-transport.js';
import type { BfdWorkerData, FromWorker, ToWorker } from './worker-protocol.js';

const VIEW_INTERVAL_MS = 1000;

function serve(port: NonNullable<typeof parentPort>, data: BfdWorkerData): void {
  const network = new BfdUdpNetwork(data);
  const manager = new BfdManager({ network });
  const handles = new Map<number, BfdHandle>();
  const post = (m: FromWorker): void => port.postMessage(m);
  const postViews = (): void => post({ ev: 'views', views: [...handles].map(([id, h]) => [id, h.view()]) });
  const timer = setInterval(postViews, VIEW_INTERVAL_MS);

  port.on('message', (m: ToWorker) => {
    switch (m.op) {
      case 'acquire':
        try {
          const { id } = m;
          handles.set(
            id,
            manager.acquire(m.spec, {
              stateChange: (from, to, diag) => {
                post({ ev: 'stateChange', id, from, to, diag, at: Date.now() });
                postViews();
              },
              up: () => post({ ev: 'up', id, at: Date.now() }),
              down: (diag) => post({ ev: 'down', id, diag, at: Date.now() }),
            }),
          );
          postViews();
        } catch (e) {
          post({ ev: 'error', id: m.id, message: (e as Error).message });
        }
        return;
      case 'update':
        handles.get(m.id)?.update(m.timing);
        return;
      case 'release':
        handles.get(m.id)?.release();
        handles.delete(m.id);
        return;
      case 'close':
        clearInterval(timer);
        handles.clear();
        manager.closeAll();
        void network.close().then(() => post({ ev: 'closed' }));
        return;
    }
  });
}

if (parentPort) serve(parentPort, workerData as BfdWorkerData);
