// Captures reference BFD Control packets from FRR bfdd and BIRD talking to Herald's BFD in network
// namespaces, and writes them to test/fixtures/bfd/<daemon>.json (run as root):
//   npx tsx test/bfd/capture-fixtures.ts
// Each daemon runs in namespace B with a session to A, where Herald's runner (bfd-runner.ts) runs.
// The run covers Down → Init → Up, a Poll Sequence started by Herald (the daemon answers with
// Final), and Herald's AdminDown (the daemon goes Down with diag 3). Only the daemon's packets are
// kept, one per distinct (state, diag, flags, length), with the tshark decode next to the octets.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createLink,
  delay,
  type LinkTopology,
  startBird,
  startFrr,
  tsharkFields,
  waitFor,
} from '../interop/harness/index.js';

const RUNNER = fileURLToPath(new URL('./bfd-runner.ts', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/bfd/', import.meta.url));

export function runnerArgs(plan: unknown): string[] {
  return ['--import', 'tsx', RUNNER, JSON.stringify(plan)];
}

async function captureWith(kind: 'frr' | 'bird', auth?: { type: string; keyId: number; secret: string }) {
  const t: LinkTopology = await createLink();
  try {
    const bfd = [{ peer: t.a.ipv4, local: t.b.ipv4, minRx: 300, minTx: 300, multiplier: 3 }];
    const common = { ns: t.b.ns, routerId: t.b.ipv4, asn: 65002, localAddress: t.b.ipv4, neighbors: [], bfd };
    if (kind === 'frr') await startFrr(common);
    else await startBird(common);
    const cap = await t.capture(t.a.ns, t.a.ifname, { filter: 'udp port 3784' });
    const runner = t.spawn(
      t.a.ns,
      process.execPath,
      runnerArgs({
        sessions: [
          { peer: t.b.ipv4, local: t.a.ipv4, minTx: 300, minRx: 300, multiplier: 3, ...(auth && { auth }) },
        ],
        reconfigure: { minTx: 200, minRx: 250, multiplier: 3 },
      }),
      { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    await waitFor(() => runner.output().includes('"to":"Up"'), { timeoutMs: 20_000, what: `${kind} BFD Up` });
    await delay(1500);
    runner.kill('SIGUSR2');
    await delay(1500);
    await runner.stop(3000);
    await delay(1500);
    await cap.stop();
    const rows = await tsharkFields(cap.file, `bfd && ip.src == ${t.b.ipv4}`, [
      'bfd.sta',
      'bfd.diag',
      'bfd.flags',
      'bfd.message_length',
      'udp.srcport',
      'ip.ttl',
      'udp.payload',
    ]);
    const seen = new Map<string, Record<string, unknown>>();
    for (const [sta, diag, flags, len, sport, ttl, payload] of rows) {
      const key = `${sta}/${diag}/${flags}/${len}`;
      if (!seen.has(key))
        seen.set(key, {
          state: Number(sta),
          diag: Number(diag),
          flags,
          srcPort: Number(sport),
          ttl: Number(ttl),
          hex: payload.replace(/:/g, ''),
        });
    }
    return {
      packets: rows.length,
      distinct: [...seen.values()],
      runner: runner
        .output()
        .split('\n')
        .filter((l) => l.includes('"event":"state"')),
    };
  } finally {
    await t.destroy();
  }
}

const which = process.argv[2];
for (const kind of ['frr', 'bird'] as const) {
  if (which && which !== kind) continue;
  const result = await captureWith(kind);
  const file = `${FIXTURES}${kind}${kind === 'frr' ? '-bfdd' : ''}.json`;
  writeFileSync(
    file,
    `${JSON.stringify({ source: kind === 'frr' ? 'FRR 8.4 bfdd' : 'BIRD 2.0.12', captured: new Date().toISOString().slice(0, 10), packets: result.distinct }, null, 2)}\n`,
  );
  console.log(kind, result.packets, 'packets,', result.distinct.length, 'distinct →', file);
  console.log(result.runner.join('\n'));
}
