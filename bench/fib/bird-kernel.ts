// BIRD as the fib bench's receiver: one iBGP neighbor (the sender) and a kernel protocol that
// exports every route into the main table — the harness's BIRD config keeps `export none`, so
// this one is written here. Same Receiver interface as bench/ingest/receivers.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fatal, type LinkTopology, run, spawnIn, waitFor } from '../../test/interop/harness/index.js';
import { ASN, type Receiver } from '../ingest/receivers.js';

export async function startBirdKernel(t: LinkTopology, holdTime: number): Promise<Receiver> {
  const dir = t.workDir('bird');
  const ctl = join(dir, 'bird.ctl');
  const conf = join(dir, 'bird.conf');
  writeFileSync(
    conf,
    [
      `log "${join(dir, 'bird.log')}" { info, warning, error, fatal };`,
      `router id ${t.b.ipv4};`,
      'protocol device { scan time 10; }',
      'protocol direct { ipv4; }',
      'protocol kernel k4 { ipv4 { import none; export where source = RTS_BGP; }; merge paths on; }',
      'protocol bgp feed {',
      `  local ${t.b.ipv4} as ${ASN};`,
      `  neighbor ${t.a.ipv4} as ${ASN};`,
      `  passive on; hold time ${holdTime}; keepalive time ${Math.max(1, Math.floor(holdTime / 3))};`,
      '  graceful restart off;',
      '  ipv4 { import all; export none; };',
      '}',
      '',
    ].join('\n'),
  );
  const child = spawnIn(t.b.ns, 'bird', ['-f', '-c', conf, '-s', ctl, '-P', join(dir, 'bird.pid')], {
    logFile: join(dir, 'bird.stdout'),
  });
  const cli = async (args: string[]) =>
    (await run('birdc', ['-s', ctl, ...args], { timeoutMs: 60_000 })).stdout;
  const logs = (): string => {
    try {
      return readFileSync(join(dir, 'bird.log'), 'utf8') + child.output();
    } catch {
      return child.output();
    }
  };
  await waitFor(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Fatal(`bird exited: ${logs()}`);
      return (await cli(['show', 'status'])).includes('Daemon is up and running');
    },
    { timeoutMs: 15_000, intervalMs: 100, what: 'bird control socket' },
  );
  return {
    kind: 'bird',
    pids: [child.pid],
    sidePids: [],
    counted: 'bird',
    dir,
    established: async () => /BGP state:\s+Established/.test(await cli(['show', 'protocols', 'all', 'feed'])),
    routes: async () => {
      const m = /Routes:\s+(\d+) imported/.exec(await cli(['show', 'protocols', 'all', 'feed']));
      return m ? Number(m[1]) : 0;
    },
    crossCheck: async () => {
      const m = /Routes:\s+(\d+) imported, (?:(\d+) filtered, )?(\d+) exported/.exec(
        await cli(['show', 'protocols', 'all', 'k4']),
      );
      return `kernel protocol k4: ${m ? `${m[3]} exported` : 'no route counts'}`;
    },
    logs,
    stop: () => child.stop(120_000),
  };
}
