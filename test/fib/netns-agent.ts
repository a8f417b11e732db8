// A network namespace for the kernel-route tests, built with the interop harness (which tracks
// and removes namespaces, processes and directories even when a test fails), and a client for
// kernel-routes.agent.ts running inside it.

import { existsSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { run, Topology, type TrackedChild, waitFor } from '../interop/harness/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const AGENT = join(HERE, 'kernel-routes.agent.ts');

/** Why these tests cannot run here, or undefined. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces need CAP_NET_ADMIN)';
  if (!existsSync('/usr/sbin/ip') && !existsSync('/sbin/ip')) return 'no iproute2';
  return undefined;
}

/** `ip -n ns ...` */
export function ipIn(ns: string, args: string): Promise<string> {
  return run('ip', ['-n', ns, ...args.split(' ')]).then((r) => r.stdout);
}

export interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  metric?: number;
  table?: string;
  flags?: string[];
  nexthops?: Array<{ gateway: string; dev: string; weight?: number; flags?: string[] }>;
  via?: { family: string; host: string };
  prefsrc?: string;
  scope?: string;
  type?: string;
}

/** `ip -j route show ...` parsed. */
export async function ipRoutes(ns: string, args: string): Promise<IpRoute[]> {
  const out = await ipIn(ns, `-j ${args}`);
  return out.trim() === '' ? [] : (JSON.parse(out) as IpRoute[]);
}

/**
 * A namespace `k` with links e0, e1, e2 (each a veth whose peer stays in the namespace, so both
 * ends are up): 10.N.0.1/24 and fd0N::1/64 on eN.
 */
export async function createRouteLab(): Promise<{ topology: Topology; ns: string }> {
  const topology = new Topology();
  try {
    const ns = await topology.addNamespace('k');
    for (const i of [0, 1, 2]) {
      await ipIn(ns, `link add e${i} type veth peer name e${i}p`);
      await ipIn(ns, `link set e${i}p up`);
      await ipIn(ns, `addr add 10.${i}.0.1/24 dev e${i}`);
      await ipIn(ns, `-6 addr add fd0${i}::1/64 dev e${i} nodad`);
      await ipIn(ns, `link set e${i} up`);
    }
    return { topology, ns };
  } catch (e) {
    await topology.destroy().catch(() => {});
    throw e;
  }
}

export class Agent {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Record<string, unknown>) => void>();
  private constructor(
    readonly child: TrackedChild,
    private readonly conn: net.Socket,
  ) {
    createInterface({ input: conn }).on('line', (line) => {
      const reply = JSON.parse(line) as Record<string, unknown> & { id: number };
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    });
    conn.on('error', () => {});
    conn.on('close', () => {
      for (const done of this.waiting.values()) done({ ok: false, message: 'agent connection closed' });
      this.waiting.clear();
    });
  }

  static async start(topology: Topology, ns: string): Promise<Agent> {
    const path = join(topology.workDir('agent'), 'agent.sock');
    const child = topology.spawn(ns, process.execPath, ['--import', 'tsx', AGENT, path], {
      cwd: join(HERE, '..', '..'),
    });
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`agent exited: ${child.output()}`);
        return existsSync(path);
      },
      { timeoutMs: 20_000, intervalMs: 50, what: 'the kernel-routes agent' },
    );
    const conn = net.connect(path);
    await new Promise<void>((resolve, reject) => {
      conn.once('connect', resolve);
      conn.once('error', reject);
    });
    return new Agent(child, conn);
  }

  /** Sends one request; rejects with the agent's error, or after timeoutMs. */
  async call<T = Record<string, unknown>>(op: string, args: object = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`agent ${op}: no reply within ${timeoutMs} ms\n${this.child.output()}`));
      }, timeoutMs);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.conn.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
    if (!reply.ok) throw new Error(`agent ${op}: ${reply.message}\n${reply.stack ?? ''}`);
    return reply as T;
  }

  /** Asks the agent to exit at once (a crash: nothing cleaned up) and waits for it. */
  async crash(): Promise<void> {
    this.conn.write(`${JSON.stringify({ id: 0, op: 'crash' })}\n`);
    await Promise.race([this.child.exited, new Promise((r) => setTimeout(r, 5000))]);
    this.conn.destroy();
  }

  async close(): Promise<void> {
    this.conn.destroy();
    await this.child.stop(3000);
  }
}
