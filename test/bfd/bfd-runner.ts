// A Herald BFD speaker as a process, for the interop test and the fixture capture, which run it
// inside a test namespace: `node --import tsx test/bfd/bfd-runner.ts '<json>'`.
//   json: { sessions: BfdPeerSpec[], reconfigure?: BfdTimingConfig }
// Prints one JSON line per state change ({event:'state',…}) and the session views every 100 ms
// ({event:'views',…}). SIGUSR2 applies `reconfigure` to every session; SIGTERM closes them
// (AdminDown to each peer) and exits.
import { BfdManager, type BfdPeerSpec, type BfdTimingConfig, BfdUdpNetwork } from '../../src/bfd/index.js';

const plan = JSON.parse(process.argv[2] ?? '{}') as {
  sessions: BfdPeerSpec[];
  reconfigure?: BfdTimingConfig;
};
const print = (o: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ t: Date.now(), ...o })}\n`);

const network = new BfdUdpNetwork();
const manager = new BfdManager({ network });
const handles = plan.sessions.map((spec) =>
  manager.acquire(spec, {
    stateChange: (from, to, diag) => print({ event: 'state', peer: spec.peer, from, to, diag }),
  }),
);
const views = setInterval(() => print({ event: 'views', sessions: manager.sessions() }), 100);
process.on('SIGUSR2', () => {
  if (plan.reconfigure) for (const h of handles) h.update(plan.reconfigure);
  print({ event: 'reconfigured' });
});
process.on('SIGTERM', () => {
  clearInterval(views);
  manager.closeAll();
  setTimeout(() => void network.close().then(() => process.exit(0)), 50);
});
print({ event: 'ready' });
