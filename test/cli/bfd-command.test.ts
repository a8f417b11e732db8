// `herald bfd` (issue 20): the command as the CLI registers it, against a stand-in for the daemon's
// API on loopback that answers GET /api/v1/bfd with sessions made by the API's own view function.
// One line per session: peer, state, local/remote discriminators, negotiated intervals, detection
// time, uptime, last down diagnostic, and whether BFD holds BGP down.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BfdSessionView, bfdSessionView } from '../../src/api/bfd.js';
import { addApiCommands } from '../../src/cli/api-commands.js';
import { threeBfdNeighbors } from '../helpers/bfd-views.js';

const sessions: BfdSessionView[] = JSON.parse(JSON.stringify(threeBfdNeighbors().map(bfdSessionView)));

let server: Server;
let base: string;
let requests: { method?: string; url?: string }[];
/** What the stand-in API answers. */
let answer: BfdSessionView[];

beforeEach(async () => {
  requests = [];
  answer = sessions;
  server = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method, url: req.url });
    if (req.method === 'GET' && req.url === '/api/v1/bfd') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'notFound', message: `no route ${req.method} ${req.url}` }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Runs `herald <args>` in this process; what it wrote to stdout and stderr. */
async function herald(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const program = new Command('herald').exitOverride();
    addApiCommands(program);
    await program.parseAsync(args, { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout, stderr };
}

describe('herald bfd', () => {
  it('asks GET /api/v1/bfd and prints one line per session under the column names', async () => {
    const { stdout, stderr } = await herald('bfd', '--api', base);
    expect(requests).toEqual([{ method: 'GET', url: '/api/v1/bfd' }]);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^Neighbor\s+State\s+Discr L\/R\s+TX\/RX ms\s+Mult\s+Detect\s+Up\s+Last down\s+BGP$/,
    );
  });

  it('an Up session: peer, state, discriminators, intervals, detection time and uptime', async () => {
    const line = (await herald('bfd', '--api', base)).stdout.split('\n')[1];
    // localDiscr 0x1001 = 4097, remoteDiscr 0x2002 = 8194; 3723 s up = 01:02:03.
    expect(line).toMatch(/^192\.0\.2\.1\s+Up\s+4097\/8194\s+300\/300\s+3\/3\s+900\s+01:02:03\s+-\s+free$/);
  });

  it('a Down session: remote discriminator 0, unknown timers, never up, last down diagnostic, BGP held', async () => {
    const line = (await herald('bfd', '--api', base)).stdout.split('\n')[2];
    expect(line).toMatch(
      /^192\.0\.2\.2 \(multihop\)\s+Down\s+4098\/0\s+1000\/-\s+5\/-\s+-\s+never\s+controlDetectionTimeExpired\s+held down$/,
    );
  });

  it('a neighbor whose session could not be created: Unavailable, and why BGP runs without BFD', async () => {
    const line = (await herald('bfd', '--api', base)).stdout.split('\n')[3];
    expect(line).toMatch(
      /^192\.0\.2\.3\s+Unavailable\s+0\/0\s+-\/-\s+-\/-\s+-\s+never\s+-\s+runs without BFD: udp port 3784 in use \(EADDRINUSE\)$/,
    );
  });

  it('each row names the peer of its session', async () => {
    const rows = (await herald('bfd', '--api', base)).stdout.trimEnd().split('\n').slice(1);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(sessions.map((s) => s.peer));
  });

  it('--json prints the API view as is: discriminators, intervals, last down and uptime included', async () => {
    const printed = JSON.parse((await herald('bfd', '--json', '--api', base)).stdout);
    expect(printed).toEqual(sessions);
    expect(printed[1]).toMatchObject({
      peer: '192.0.2.2',
      state: 'Down',
      localDiscriminator: 0x1002,
      remoteDiscriminator: 0,
      txInterval: 1000,
      rxInterval: null,
      lastDownDiag: 'controlDetectionTimeExpired',
      lastDownAt: '2026-01-02T03:04:05.000Z',
      uptimeSeconds: null,
      bgpHeld: true,
    });
    expect(printed[0]).toMatchObject({ uptimeSeconds: 3723, detectionTime: 900 });
  });

  it('with no BFD session prints the header alone', async () => {
    answer = [];
    const { stdout } = await herald('bfd', '--api', base);
    expect(stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(/^Neighbor\s+State\s/)]);
  });

  it('says the daemon cannot be reached, exit code 1', async () => {
    const { stderr } = await herald('bfd', '--api', 'unix:/nonexistent/herald-api.sock');
    expect(stderr).toContain('cannot reach the Herald API');
    expect(process.exitCode).toBe(1);
  });
});
