// Socket options (TTL, GTSM, TCP MD5, SO_BINDTODEVICE) through libc, tested two ways:
//  - in this process on loopback: argument checks, error codes, no descriptor leaks;
//  - between private network namespaces A — R — B (R forwards) that this file creates and removes,
//    with a small agent (socket-options.agent.ts) running in A and B, tshark proving that the very
//    first SYN carries the TTL and the MD5 option, and BIRD 2 as a real peer for MD5 and GTSM.
// The namespace parts need root, iproute2 and Linux; BIRD and tshark parts are skipped without them.
// No packet leaves the namespaces or loopback. Every wait is bounded.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  connectTcp,
  listenTcp,
  setPeerMd5,
  setSocketMinTtl,
  setSocketTtl,
  supported,
} from '../../src/session/socket-options.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '..', '..');
const AGENT = join(HERE, 'socket-options.agent.ts');
const LINUX = process.platform === 'linux';

function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

const ROOT = LINUX && process.getuid?.() === 0;
const CAN_NETNS = ROOT && have('ip');
const HAVE_BIRD = CAN_NETNS && have('bird');
const HAVE_TSHARK = CAN_NETNS && have('tshark');

const fdCount = () => readdirSync('/proc/self/fd').length;

/** The TCP error codes a failed attempt may end with. */
const FAILED = ['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED'];

// ------------------------------------------------------------------------------------ in-process

describe.skipIf(!LINUX)('socket options on loopback (this process)', () => {
  it('reports every option as supported on Linux', () => {
    const s = supported();
    expect(s).toMatchObject({ available: true, ttl: true, minTtl: true, md5: true, bindDevice: true });
    expect(s.reasons).toEqual({});
  });

  it('connects IPv4, IPv6 and IPv4 to a dual-stack listener with all options set, data flows', async () => {
    for (const [listenHost, host, seen] of [
      ['127.0.0.1', '127.0.0.1', '127.0.0.1'],
      ['::1', '::1', '::1'],
      ['::', '127.0.0.1', '::ffff:127.0.0.1'],
    ] as const) {
      const server = await listenTcp({
        host: listenHost,
        port: 0,
        md5Peers: [{ address: host, key: 'loop-key' }],
        minTtl: 1,
        ttl: 255,
      });
      server.on('connection', (s) => {
        setSocketTtl(s, 64);
        setSocketMinTtl(s, 1);
        s.end(`hello ${s.remoteAddress}`);
      });
      try {
        const { port } = server.address() as net.AddressInfo;
        const socket = await connectTcp({
          host,
          port,
          ttl: 255,
          minTtl: 1,
          md5: { key: 'loop-key' },
          bindDevice: 'lo',
          timeoutMs: 3000,
        });
        const text = await new Promise<string>((resolve, reject) => {
          let acc = '';
          const t = setTimeout(() => reject(new Error('no data')), 3000);
          socket.on('data', (c) => {
            acc += c;
          });
          socket.on('end', () => {
            clearTimeout(t);
            resolve(acc);
          });
        });
        expect(text).toBe(`hello ${seen}`);
        socket.destroy();
      } finally {
        server.close();
      }
    }
  });

  it('rejects with Node-style errno codes and leaks no descriptor on any failure path', async () => {
    await new Promise((r) => setTimeout(r, 300)); // let the previous test's sockets close
    const server = await listenTcp({
      host: '127.0.0.1',
      port: 0,
      md5Peers: [{ address: '127.0.0.1', key: 'k' }],
    });
    const { port } = server.address() as net.AddressInfo;
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const before = fdCount();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'connected',
        (e: NodeJS.ErrnoException) => e.code,
      );
    for (let i = 0; i < 5; i++) {
      expect(await code(connectTcp({ host: '127.0.0.1', port: closed, ttl: 9 }))).toBe('ECONNREFUSED');
      expect(await code(connectTcp({ host: '::1', port: closed, minTtl: 1 }))).toBe('ECONNREFUSED');
      expect(await code(connectTcp({ host: '127.0.0.1', port, md5: { key: 'bad' }, timeoutMs: 200 }))).toBe(
        'ETIMEDOUT',
      );
      expect(await code(connectTcp({ host: '127.0.0.1', port: closed, bindDevice: 'nonexist0' }))).toBe(
        'ENODEV',
      );
      expect(await code(connectTcp({ host: '127.0.0.1', port: closed, localAddress: '192.0.2.1' }))).toBe(
        'EADDRNOTAVAIL',
      );
      expect(await code(listenTcp({ host: '127.0.0.1', port }))).toBe('EADDRINUSE');
      const ac = new AbortController();
      const pending = code(connectTcp({ host: '127.0.0.1', port, md5: { key: 'bad' }, signal: ac.signal }));
      ac.abort();
      expect(await pending).toBe('ABORT_ERR');
    }
    // Rejected before a descriptor exists.
    await expect(connectTcp({ host: '127.0.0.1', port: 1, ttl: 0 })).rejects.toThrow(RangeError);
    await expect(connectTcp({ host: '127.0.0.1', port: 1, ttl: 256 })).rejects.toThrow(RangeError);
    await expect(connectTcp({ host: '127.0.0.1', port: 1, md5: { key: '' } })).rejects.toThrow(
      /empty TCP MD5 key/,
    );
    await expect(connectTcp({ host: '127.0.0.1', port: 1, md5: { key: 'x'.repeat(81) } })).rejects.toThrow(
      /at most 80 octets/,
    );
    await expect(connectTcp({ host: '127.0.0.1', port: 1, localAddress: '::1' })).rejects.toThrow(
      /same family/,
    );
    await expect(
      listenTcp({ host: '127.0.0.1', port: 0, md5Peers: [{ address: '::1', key: 'k' }] }),
    ).rejects.toThrow(/IPv6 peer address on an IPv4 socket/);
    // Sockets settle asynchronously (libuv closes on the next loop turn).
    await new Promise((r) => setTimeout(r, 50));
    expect(fdCount()).toBe(before);
    server.close();
  });

  it('a key for a prefix (a dynamic range) signs every address in it, on IPv4 and dual-stack listeners; a peer key wins', async () => {
    for (const host of ['127.0.0.1', '::']) {
      const server = await listenTcp({
        host,
        port: 0,
        md5Peers: [{ address: '127.0.0.0', prefixLength: 8, key: 'range' }],
      });
      server.on('connection', (s) => s.destroy());
      try {
        const { port } = server.address() as net.AddressInfo;
        const dial = (key?: string, timeoutMs = 2000) =>
          connectTcp({ host: '127.0.0.1', port, md5: key ? { key } : undefined, timeoutMs });
        (await dial('range')).destroy();
        await expect(dial(undefined, 300)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
        // The kernel takes the longest match: the peer's own key, then the range's again.
        setPeerMd5(server, '127.0.0.1', 'own');
        await expect(dial('range', 300)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
        (await dial('own')).destroy();
        setPeerMd5(server, '127.0.0.1', undefined);
        (await dial('range')).destroy();
        setPeerMd5(server, '127.0.0.0', undefined, 8);
        (await dial()).destroy();
      } finally {
        server.close();
      }
    }
  });

  it('adds and removes peer keys at run time; removing a missing key is a no-op', async () => {
    const server = await listenTcp({ host: '127.0.0.1', port: 0 });
    server.on('connection', (s) => s.destroy());
    try {
      const { port } = server.address() as net.AddressInfo;
      setPeerMd5(server, '127.0.0.1', undefined);
      setPeerMd5(server, '127.0.0.1', 'runtime');
      await expect(connectTcp({ host: '127.0.0.1', port, timeoutMs: 300 })).rejects.toMatchObject({
        code: 'ETIMEDOUT',
      });
      (await connectTcp({ host: '127.0.0.1', port, md5: { key: 'runtime' }, timeoutMs: 2000 })).destroy();
      setPeerMd5(server, '127.0.0.1', undefined);
      setPeerMd5(server, '127.0.0.1', undefined);
      (await connectTcp({ host: '127.0.0.1', port, timeoutMs: 2000 })).destroy();
      expect(() => setPeerMd5(server, '::1', 'k')).toThrow(/IPv6 peer/);
    } finally {
      server.close();
    }
    expect(() => setSocketTtl(new net.Socket(), 5)).toThrow(/no open file descriptor/);
    expect(() => setSocketMinTtl(new net.Socket(), 300)).toThrow(RangeError);
  });

  it('elsewhere: rejects a requested option by name, plain connect/listen still work', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { ...platform, value: 'darwin' });
    vi.resetModules();
    try {
      const m = await import('../../src/session/socket-options.js');
      expect(m.supported()).toMatchObject({ available: false, ttl: false, md5: false });
      expect(m.supported().reasons.md5).toMatch(/need Linux \(this is darwin\)/);
      const unsupported = (option: string) => ({
        name: 'SocketOptionUnsupportedError',
        code: 'ERR_SOCKET_OPTION_UNSUPPORTED',
        option,
        message: expect.stringContaining(`socket option ${option} (`),
      });
      await expect(m.connectTcp({ host: '127.0.0.1', port: 1, ttl: 5 })).rejects.toMatchObject(
        unsupported('ttl'),
      );
      await expect(
        m.listenTcp({ host: '127.0.0.1', port: 0, md5Peers: [{ address: '127.0.0.1', key: 'k' }] }),
      ).rejects.toMatchObject(unsupported('md5'));
      await expect(m.connectTcp({ host: '127.0.0.1', port: 1, bindDevice: 'lo' })).rejects.toMatchObject(
        unsupported('bindDevice'),
      );
      const server = await m.listenTcp({ host: '127.0.0.1', port: 0 });
      server.on('connection', (c) => c.end());
      const socket = await m.connectTcp({
        host: '127.0.0.1',
        port: (server.address() as net.AddressInfo).port,
      });
      expect(() => m.setSocketMinTtl(socket, 1)).toThrow(m.SocketOptionUnsupportedError);
      expect(() => m.setPeerMd5(server, '127.0.0.1', 'k')).toThrow(/md5 \(TCP_MD5SIG\)/);
      socket.destroy();
      server.close();
    } finally {
      Object.defineProperty(process, 'platform', platform);
      vi.resetModules();
    }
  });
});

// ---------------------------------------------------------------------------- namespace harness

function sh(cmd: string, args: string[], timeout = 10_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
}

const TAG = `hso${process.pid % 10000}`;
const NS = { a: `${TAG}0`, r: `${TAG}1`, b: `${TAG}2` };
const created: string[] = [];

// A — R — B. A owns extra addresses .2–.5 so that each BIRD session has its own neighbour address.
const A4 = '10.71.1.1';
const A6 = 'fd71:1::1';
const B4 = '10.71.2.1';
const B6 = 'fd71:2::1';

function nsx(ns: string, ...args: string[]): string {
  return sh('ip', ['netns', 'exec', ns, ...args]);
}

function removeNamespaces(): void {
  for (const ns of created.splice(0)) {
    try {
      sh('ip', ['netns', 'del', ns]);
    } catch {
      // already gone
    }
  }
}

function createTopology(): void {
  for (const ns of Object.values(NS)) {
    try {
      sh('ip', ['netns', 'del', ns]); // left over from an aborted run with the same pid
    } catch {}
    sh('ip', ['netns', 'add', ns]);
    created.push(ns);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    nsx(ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0');
  }
  sh('ip', ['link', 'add', 'a0', 'netns', NS.a, 'type', 'veth', 'peer', 'name', 'r0', 'netns', NS.r]);
  sh('ip', ['link', 'add', 'b0', 'netns', NS.b, 'type', 'veth', 'peer', 'name', 'r1', 'netns', NS.r]);
  const addr = (ns: string, dev: string, ...addrs: string[]) => {
    for (const a of addrs)
      sh('ip', ['-n', ns, 'addr', 'add', a, 'dev', dev, ...(a.includes(':') ? ['nodad'] : [])]);
    sh('ip', ['-n', ns, 'link', 'set', dev, 'up']);
  };
  addr(NS.a, 'a0', `${A4}/24`, '10.71.1.2/24', '10.71.1.3/24', '10.71.1.4/24', '10.71.1.5/24', `${A6}/64`);
  addr(NS.r, 'r0', '10.71.1.254/24', 'fd71:1::fe/64');
  addr(NS.r, 'r1', '10.71.2.254/24', 'fd71:2::fe/64');
  addr(NS.b, 'b0', `${B4}/24`, `${B6}/64`);
  nsx(NS.r, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
  for (const [ns, v4, v6] of [
    [NS.a, '10.71.1.254', 'fd71:1::fe'],
    [NS.b, '10.71.2.254', 'fd71:2::fe'],
  ] as const) {
    sh('ip', ['-n', ns, 'route', 'add', 'default', 'via', v4]);
    sh('ip', ['-n', ns, '-6', 'route', 'add', 'default', 'via', v6]);
  }
}

/** TcpExt counters of a namespace (/proc/net is the reader's namespace). */
function tcpExt(ns: string): Record<string, number> {
  const lines = nsx(ns, 'cat', '/proc/net/netstat').split('\n');
  const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[i]!.split(/\s+/).slice(1);
  const values = lines[i + 1]!.split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((n, k) => [n, values[k]!]));
}

type Reply = Record<string, unknown> & { ok: boolean };
type AgentEvent = Record<string, unknown> & { event: string };

/** The agent process in one namespace. */
class Agent {
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();
  readonly events: AgentEvent[] = [];
  private eventWaiters: (() => void)[] = [];
  stderr = '';

  private constructor(readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let msg: Reply & { id?: number; event?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        return;
      }
      if (msg.id !== undefined) {
        this.pending.get(msg.id)?.(msg);
        this.pending.delete(msg.id);
      } else if (msg.event !== undefined) {
        this.events.push(msg as AgentEvent);
        for (const w of this.eventWaiters.splice(0)) w();
      }
    });
    proc.stderr!.on('data', (c) => {
      this.stderr += c;
    });
  }

  static async start(ns: string): Promise<Agent> {
    const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', AGENT], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const agent = new Agent(proc);
    await agent
      .waitEvent((e) => e.event === 'ready', 20_000)
      .catch((err) => {
        proc.kill('SIGKILL');
        throw new Error(`agent in ${ns} did not start: ${(err as Error).message}\n${agent.stderr}`);
      });
    return agent;
  }

  request(op: string, body: object, timeoutMs = 15_000): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`agent ${op} timed out\n${this.stderr}`));
      }, timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(t);
        resolve(r);
      });
      this.proc.stdin!.write(`${JSON.stringify({ id, op, ...body })}\n`);
    });
  }

  async listen(body: object): Promise<{ id: number; port: number }> {
    const id = this.nextId; // the reply's id names the listener
    const r = await this.request('listen', body);
    if (!r.ok) throw new Error(`listen failed: ${r.code} ${r.message}`);
    return { id, port: r.port as number };
  }

  connect(opts: object, extra: object = {}): Promise<Reply> {
    return this.request('connect', { opts, ...extra });
  }

  /** Waits for an event matching `pred` (also among those already received). */
  waitEvent(pred: (e: AgentEvent) => boolean, timeoutMs: number): Promise<AgentEvent> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('no such event in time')), timeoutMs);
      const look = () => {
        const e = this.events.find(pred);
        if (e) {
          clearTimeout(deadline);
          resolve(e);
        } else {
          this.eventWaiters.push(look);
        }
      };
      look();
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.stdin!.end();
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}

const hex = (s: string) => Buffer.from(s).toString('hex');
/** A BGP OPEN message: 16 × 0xff marker, 2-byte length, type 1. */
const isOpen = (data: unknown) => typeof data === 'string' && /^f{32}[0-9a-f]{4}01/.test(data);

/** Runs tshark in `ns` on `dev` for the first `count` packets matching `filter` while `action` runs. */
async function capture(
  ns: string,
  dev: string,
  filter: string,
  count: number,
  action: () => Promise<unknown>,
): Promise<string[][]> {
  const fields = ['ip.ttl', 'ipv6.hlim', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.option_kind'];
  const proc = spawn(
    'ip',
    [
      'netns',
      'exec',
      ns,
      'tshark',
      '-i',
      dev,
      '-f',
      filter,
      '-c',
      String(count),
      '-a',
      'duration:20',
      '-l',
      '-n',
      '-T',
      'fields',
      ...fields.flatMap((f) => ['-e', f]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stdout.on('data', (c) => {
    out += c;
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`tshark did not start: ${err}`)), 20_000);
      proc.stderr.on('data', (c) => {
        err += c;
        if (err.includes('Capturing on')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    await action();
    const t = setTimeout(() => proc.kill('SIGINT'), 10_000);
    await exited;
    clearTimeout(t);
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
  }
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

// ----------------------------------------------------------------------------- namespace tests

describe.skipIf(!CAN_NETNS)('socket options between namespaces A — R — B', () => {
  let a: Agent;
  let b: Agent;
  const cleanupOnExit = () => removeNamespaces();

  beforeAll(async () => {
    process.once('exit', cleanupOnExit);
    try {
      createTopology();
      [a, b] = await Promise.all([Agent.start(NS.a), Agent.start(NS.b)]);
    } catch (err) {
      await Promise.all([a?.stop(), b?.stop()]);
      removeNamespaces();
      throw err;
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    removeNamespaces();
    process.removeListener('exit', cleanupOnExit);
  }, 20_000);

  it('plain connect/accept over IPv4 and IPv6 (dual-stack and IPv4-only listeners), data both ways', async () => {
    const dual = await b.listen({ opts: { host: '::', port: 0 }, greet: true });
    const v4 = await b.listen({ opts: { host: B4, port: 0 }, greet: true });
    for (const [host, port, seen] of [
      [B4, dual.port, `::ffff:${A4}`],
      [B6, dual.port, A6],
      [B4, v4.port, A4],
    ] as const) {
      const r = await a.connect({ host, port, timeoutMs: 3000 }, { send: 'ping', readMs: 3000 });
      expect(r).toMatchObject({ connected: true, remoteAddress: host, data: hex(`hello ${seen}\n`) });
      const ev = await b.waitEvent((e) => e.remotePort === r.localPort, 5000);
      expect(ev).toMatchObject({ remoteAddress: seen, data: hex('ping') });
    }
  }, 30_000);

  it('ttl: 1 dies at the router (ICMP time exceeded), 2 reaches B — IPv4 and IPv6', async () => {
    const l = await b.listen({ opts: { host: '::', port: 0 }, greet: true });
    for (const host of [B4, B6]) {
      const fail = await a.connect({ host, port: l.port, ttl: 1, timeoutMs: 3000 });
      expect(fail.connected).toBe(false);
      expect(FAILED).toContain(fail.code);
      expect(fail.code).toBe('EHOSTUNREACH'); // SYN_SENT + ICMP time exceeded = hard error on Linux
      const ok = await a.connect({ host, port: l.port, ttl: 2, timeoutMs: 3000 }, { readMs: 3000 });
      expect(ok).toMatchObject({ connected: true });
      expect(ok.data).not.toBeNull();
    }
  }, 30_000);

  it('GTSM: minTtl 254 accepts TTL 255 sent across one hop and drops the default TTL 64', async () => {
    const before = tcpExt(NS.b).TCPMinTTLDrop ?? 0;
    const l = await b.listen({ opts: { host: '::', port: 0, minTtl: 254, ttl: 255 }, greet: true });
    for (const host of [B4, B6]) {
      // Full GTSM both ways: the client also requires 254 on the SYN-ACK, which the listener's ttl sets.
      const ok = await a.connect(
        { host, port: l.port, ttl: 255, minTtl: 254, timeoutMs: 3000 },
        { readMs: 3000 },
      );
      expect(ok).toMatchObject({ connected: true, data: expect.stringMatching(/^68656c6c6f/) });
      const drop = await a.connect({ host, port: l.port, timeoutMs: 1500 });
      expect(drop).toMatchObject({ connected: false, code: 'ETIMEDOUT' });
    }
    expect((tcpExt(NS.b).TCPMinTTLDrop ?? 0) - before).toBeGreaterThan(0);
    // A GTSM client against a listener that sends TTL 64: its SYN-ACK arrives with 63 and is dropped.
    const plain = await b.listen({ opts: { host: '::', port: 0 } });
    const r = await a.connect({ host: B4, port: plain.port, ttl: 255, minTtl: 254, timeoutMs: 1500 });
    expect(r).toMatchObject({ connected: false, code: 'ETIMEDOUT' });
  }, 30_000);

  it('MD5: same key connects; wrong or missing key does not; keys change at run time', async () => {
    const before = tcpExt(NS.b);
    const l = await b.listen({
      opts: {
        host: '::',
        port: 0,
        md5Peers: [
          { address: A4, key: 'Herald-Key-1' },
          { address: A6, key: 'Herald-Key-1' },
        ],
      },
      greet: true,
    });
    for (const host of [B4, B6]) {
      const ok = await a.connect(
        { host, port: l.port, md5: { key: 'Herald-Key-1' }, timeoutMs: 3000 },
        { readMs: 3000 },
      );
      expect(ok).toMatchObject({ connected: true, data: expect.stringMatching(/^68656c6c6f/) });
      const wrong = await a.connect({ host, port: l.port, md5: { key: 'wrong' }, timeoutMs: 1500 });
      expect(wrong).toMatchObject({ connected: false, code: 'ETIMEDOUT' });
      const none = await a.connect({ host, port: l.port, timeoutMs: 1500 });
      expect(none).toMatchObject({ connected: false, code: 'ETIMEDOUT' });
    }
    const after = tcpExt(NS.b);
    expect(after.TCPMD5Failure! - before.TCPMD5Failure!).toBeGreaterThan(0);
    expect(after.TCPMD5NotFound! - before.TCPMD5NotFound!).toBeGreaterThan(0);

    // Remove the IPv4 peer's key: it connects without one. Then give it a different key.
    expect(await b.request('setPeerMd5', { listener: l.id, address: A4 })).toMatchObject({ ok: true });
    expect(await a.connect({ host: B4, port: l.port, timeoutMs: 3000 })).toMatchObject({ connected: true });
    expect(await b.request('setPeerMd5', { listener: l.id, address: A4, key: 'Herald-Key-2' })).toMatchObject(
      {
        ok: true,
      },
    );
    expect(await a.connect({ host: B4, port: l.port, timeoutMs: 1500 })).toMatchObject({ code: 'ETIMEDOUT' });
    expect(
      await a.connect({ host: B4, port: l.port, md5: { key: 'Herald-Key-2' }, timeoutMs: 3000 }),
    ).toMatchObject({ connected: true });
  }, 40_000);

  it.skipIf(!HAVE_TSHARK)(
    'the first SYN already carries the TTL and the MD5 option (tshark)',
    async () => {
      const l = await b.listen({
        opts: {
          host: '::',
          port: 0,
          ttl: 200,
          md5Peers: [
            { address: A4, key: 'syn-key' },
            { address: A6, key: 'syn-key' },
          ],
        },
      });
      for (const host of [B4, B6]) {
        // SYN and SYN-ACK, as seen on A's interface.
        const rows = await capture(NS.a, 'a0', `tcp port ${l.port}`, 2, async () => {
          const r = await a.connect({ host, port: l.port, ttl: 7, md5: { key: 'syn-key' }, timeoutMs: 3000 });
          expect(r.connected).toBe(true);
        });
        const [syn, synAck] = rows;
        const ttl = (row: string[]) => Number(host === B4 ? row[0] : row[1]);
        expect(syn!.slice(2, 4)).toEqual(['1', '0']);
        expect(ttl(syn!)).toBe(7);
        expect(syn![4]!.split(',')).toContain('19');
        expect(synAck!.slice(2, 4)).toEqual(['1', '1']);
        expect(ttl(synAck!)).toBe(199); // the listener's ttl 200, one hop
        expect(synAck![4]!.split(',')).toContain('19');
      }
    },
    60_000,
  );

  it('bindDevice: bound to the uplink connects, to lo does not; a listener bound to lo ignores b0', async () => {
    const l = await b.listen({ opts: { host: '0.0.0.0', port: 0, bindDevice: 'b0' }, greet: true });
    expect(await a.connect({ host: B4, port: l.port, bindDevice: 'a0', timeoutMs: 3000 })).toMatchObject({
      connected: true,
    });
    const lo = await a.connect({ host: B4, port: l.port, bindDevice: 'lo', timeoutMs: 1500 });
    expect(lo.connected).toBe(false);
    expect(FAILED).toContain(lo.code);
    expect(await a.connect({ host: B4, port: l.port, bindDevice: 'nonexist0' })).toMatchObject({
      connected: false,
      code: 'ENODEV',
    });
    const onLo = await b.listen({ opts: { host: '0.0.0.0', port: 0, bindDevice: 'lo' } });
    const r = await a.connect({ host: B4, port: onLo.port, timeoutMs: 1500 });
    expect(r).toMatchObject({ connected: false, code: 'ECONNREFUSED' });
  }, 30_000);

  it('setSocketTtl / setSocketMinTtl on accepted sockets take effect', async () => {
    // TTL 1 on the accepted socket: B's greeting dies at R. TTL 2: it arrives.
    const ttl1 = await b.listen({ opts: { host: B4, port: 0 }, greet: true, acceptTtl: 1 });
    const ttl2 = await b.listen({ opts: { host: B4, port: 0 }, greet: true, acceptTtl: 2 });
    expect(await a.connect({ host: B4, port: ttl1.port, timeoutMs: 3000 }, { readMs: 1500 })).toMatchObject({
      connected: true,
      data: null,
    });
    expect(await a.connect({ host: B4, port: ttl2.port, timeoutMs: 3000 }, { readMs: 3000 })).toMatchObject({
      connected: true,
      data: hex(`hello ${A4}\n`),
    });
    // Min TTL 64 on the accepted socket: A's data (arrives with 63) is dropped. 63: it is received.
    const min64 = await b.listen({ opts: { host: B4, port: 0 }, acceptMinTtl: 64, readMs: 1500 });
    const min63 = await b.listen({ opts: { host: B4, port: 0 }, acceptMinTtl: 63, readMs: 3000 });
    for (const [l, expected] of [
      [min64, null],
      [min63, hex('data')],
    ] as const) {
      // Sent once B has had time to accept and set the option (data queued before accept() would
      // already be in the accepted socket's receive queue).
      const r = await a.connect(
        { host: B4, port: l.port, timeoutMs: 3000 },
        { send: 'data', sendDelayMs: 300 },
      );
      expect(r.connected).toBe(true);
      const ev = await b.waitEvent((e) => e.listener === l.id, 5000);
      expect(ev.data).toBe(expected);
    }
  }, 30_000);

  it('leaks no descriptor in the connecting process on failures', async () => {
    const settle = () => new Promise((r) => setTimeout(r, 700)); // earlier tests' sockets close
    await settle();
    const before = (await a.request('fds', {})).fds as number;
    const l = await b.listen({ opts: { host: B4, port: 0, md5Peers: [{ address: A4, key: 'k' }] } });
    for (let i = 0; i < 3; i++) {
      expect((await a.connect({ host: B4, port: l.port, ttl: 1, timeoutMs: 3000 })).code).toBe(
        'EHOSTUNREACH',
      );
      expect((await a.connect({ host: B4, port: l.port, timeoutMs: 300 })).code).toBe('ETIMEDOUT');
      expect((await a.connect({ host: B4, port: l.port + 1, timeoutMs: 3000 })).code).toBe('ECONNREFUSED');
      expect((await a.connect({ host: B4, port: l.port, localAddress: B4 })).code).toBe('EADDRNOTAVAIL');
    }
    await settle();
    expect((await a.request('fds', {})).fds).toBe(before);
  }, 30_000);

  // ---------------------------------------------------------------------------------- BIRD 2

  describe.skipIf(!HAVE_BIRD)('interop with BIRD 2 in B', () => {
    let work: string;
    let bird: ChildProcess | undefined;
    let md5Listener: { id: number; port: number };
    let gtsmListener: { id: number; port: number };

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'herald-sockopt-'));
      // Herald listeners in A for the sessions BIRD opens itself (port 179 inside the namespace).
      md5Listener = await a.listen({
        opts: { host: '10.71.1.2', port: 179, md5Peers: [{ address: B4, key: 'not-the-key' }] },
        readMs: 5000,
      });
      gtsmListener = await a.listen({
        opts: { host: '10.71.1.4', port: 179, minTtl: 254, ttl: 255 },
        readMs: 5000,
      });
      const conf = `
router id ${B4};
log "${work}/bird.log" all;
protocol device {}
template bgp T {
  local ${B4} as 65002;
  multihop 2;
  hold time 30;
  connect delay time 1;
  connect retry time 2;
  error wait time 1, 2;
  ipv4 { import none; export none; };
}
protocol bgp md5_in from T { neighbor ${A4} as 65001; password "Interop-MD5"; passive on; }
protocol bgp md5_out from T { neighbor 10.71.1.2 as 65001; password "Interop-MD5-out"; }
protocol bgp gtsm_in from T { neighbor 10.71.1.3 as 65001; ttl security on; passive on; }
protocol bgp gtsm_low from T { neighbor 10.71.1.5 as 65001; ttl security on; passive on; }
protocol bgp gtsm_out from T { neighbor 10.71.1.4 as 65001; ttl security on; }
protocol bgp md5_in6 {
  local ${B6} as 65002; neighbor ${A6} as 65001; multihop 2; password "Interop-MD5-v6"; passive on;
  ipv6 { import none; export none; };
}
`;
      writeFileSync(join(work, 'bird.conf'), conf);
      sh('bird', ['-p', '-c', join(work, 'bird.conf')]);
      bird = spawn(
        'ip',
        [
          'netns',
          'exec',
          NS.b,
          'bird',
          '-f',
          '-c',
          join(work, 'bird.conf'),
          '-s',
          join(work, 'bird.ctl'),
          '-P',
          join(work, 'bird.pid'),
        ],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 10_000;
      while (!readdirSync(work).includes('bird.ctl')) {
        if (Date.now() > deadline) throw new Error('BIRD did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }, 30_000);

    afterAll(async () => {
      if (bird && bird.exitCode === null && bird.signalCode === null) {
        const exited = new Promise<void>((resolve) => bird!.once('exit', () => resolve()));
        bird.kill('SIGTERM');
        const t = setTimeout(() => bird!.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      if (work) rmSync(work, { recursive: true, force: true });
    }, 15_000);

    it('MD5 client → BIRD: the right key gets BIRD’s OPEN, a wrong key times out (IPv4, IPv6)', async () => {
      const wrong = await a.connect({
        host: B4,
        port: 179,
        localAddress: A4,
        md5: { key: 'nope' },
        timeoutMs: 1500,
      });
      expect(wrong).toMatchObject({ connected: false, code: 'ETIMEDOUT' });
      const none = await a.connect({ host: B4, port: 179, localAddress: A4, timeoutMs: 1500 });
      expect(none).toMatchObject({ connected: false, code: 'ETIMEDOUT' });
      const ok = await a.connect(
        { host: B4, port: 179, localAddress: A4, md5: { key: 'Interop-MD5' }, timeoutMs: 5000 },
        { readMs: 5000 },
      );
      expect(ok.connected).toBe(true);
      expect(isOpen(ok.data)).toBe(true);
      const ok6 = await a.connect(
        { host: B6, port: 179, localAddress: A6, md5: { key: 'Interop-MD5-v6' }, timeoutMs: 5000 },
        { readMs: 5000 },
      );
      expect(ok6.connected).toBe(true);
      expect(isOpen(ok6.data)).toBe(true);
    }, 30_000);

    it('BIRD → MD5 listener: refused while the key is wrong, accepted after setPeerMd5', async () => {
      // BIRD keeps trying every ~2 s; with the wrong key its SYNs are dropped.
      await expect(a.waitEvent((e) => e.listener === md5Listener.id, 3000)).rejects.toThrow();
      expect(
        await a.request('setPeerMd5', { listener: md5Listener.id, address: B4, key: 'Interop-MD5-out' }),
      ).toMatchObject({ ok: true });
      const ev = await a.waitEvent((e) => e.listener === md5Listener.id && e.data !== null, 15_000);
      expect(ev.remoteAddress).toBe(B4);
      expect(isOpen(ev.data)).toBe(true);
    }, 30_000);

    it('GTSM with BIRD (ttl security on, multihop 2): TTL 255 accepted both ways, TTL 64 dropped', async () => {
      // BIRD sets IP_MINTTL on the accepted socket only (its listener is shared by all sessions), so
      // the kernel completes a low-TTL handshake; what BIRD's socket then drops is the data after it
      // (and that session can never reach OpenConfirm). Separate BIRD sessions (.5 low, .3 GTSM).
      const drops = () => tcpExt(NS.b).TCPMinTTLDrop ?? 0;
      const before = drops();
      const low = await a.connect(
        { host: B4, port: 179, localAddress: '10.71.1.5', timeoutMs: 3000 },
        { send: 'x'.repeat(19), readMs: 1000 },
      );
      expect(low).toMatchObject({ connected: true });
      expect(drops()).toBeGreaterThan(before);
      const ok = await a.connect(
        { host: B4, port: 179, localAddress: '10.71.1.3', ttl: 255, minTtl: 254, timeoutMs: 5000 },
        { readMs: 5000 },
      );
      expect(ok.connected).toBe(true);
      expect(isOpen(ok.data)).toBe(true);
      // BIRD's own connection to Herald's GTSM listener (BIRD sends 255, arrives 254).
      const ev = await a.waitEvent((e) => e.listener === gtsmListener.id && e.data !== null, 15_000);
      expect(ev.remoteAddress).toBe(B4);
      expect(isOpen(ev.data)).toBe(true);
    }, 30_000);
  });
});
