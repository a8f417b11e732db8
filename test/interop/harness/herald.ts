// Runs the real `bin/herald` inside a test namespace and talks to its REST API over a unix socket
// in the topology's directory (reachable from the host whatever namespace Herald runs in).
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { RouteView } from '../../../src/rib/route-view.js';
import { spawnIn, type Topology, type TrackedChild } from './netns.js';
import { Fatal, waitFor } from './util.js';

const HERALD = fileURLToPath(new URL('../../../bin/herald', import.meta.url));

export interface HeraldNeighborView {
  address: string;
  peerAsn: number | null;
  localAsn: number;
  state: string;
  uptimeSeconds: number | null;
  lastError: string | null;
  holdTime: number | null;
  capabilities: string[];
  prefixes: { received: number; accepted: number; advertised: number; stale: number };
  messages: { sent: Record<string, number>; received: Record<string, number> };
}

export interface HeraldInstance {
  readonly process: TrackedChild;
  readonly socket: string;
  /** The config file it runs on (rewrite it with writeConfig, then reload). */
  readonly configFile: string;
  writeConfig(config: Record<string, unknown>): void;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  routes(query?: Record<string, string>): Promise<RouteView[]>;
  neighbor(address: string): Promise<HeraldNeighborView>;
  waitState(address: string, state: string, timeoutMs?: number): Promise<void>;
  /** Log lines (parsed JSON) printed so far. */
  logs(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

let counter = 0;

/** Writes `config` (the api socket is filled in) and starts Herald in namespace `ns`. */
export async function startHerald(
  t: Topology,
  ns: string,
  config: Record<string, unknown>,
  opts: {
    token?: string;
    env?: Record<string, string>;
    args?: string[];
    /** The command (and its first arguments) run instead of `bin/herald`; Herald's arguments follow. */
    launcher?: string[];
    /** `log`: ready at the "configuration loaded" log line, without a request to the API (which would load it). */
    readyWhen?: 'api' | 'log';
  } = {},
): Promise<HeraldInstance> {
  const n = ++counter;
  const socket = join(t.dir, `herald${n}.sock`);
  const file = join(t.dir, `herald${n}.yaml`);
  const writeConfig = (c: Record<string, unknown>) =>
    writeFileSync(file, stringify({ ...c, api: { rateLimit: 0, ...(c.api as object), listen: socket } }));
  writeConfig(config);
  // Executed directly so its shebang's V8 flags apply, as for users.
  const [command, ...launch] = opts.launcher ?? [HERALD];
  const child = spawnIn(ns, command as string, [...launch, 'run', '--config', file, ...(opts.args ?? [])], {
    logFile: join(t.dir, `herald${n}.log`),
    env: { ...process.env, HERALD_LOG_LEVEL: 'debug', ...opts.env },
  });

  const api = <T>(method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; body: T }>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath: socket,
          path,
          method,
          headers: {
            ...(data ? { 'content-type': 'application/json' } : {}),
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T }),
          );
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`API ${method} ${path} timed out`)));
      req.end(data);
    });

  const instance: HeraldInstance = {
    process: child,
    socket,
    configFile: file,
    writeConfig,
    api,
    async routes(query = {}) {
      const qs = new URLSearchParams(query).toString();
      const r = await api<RouteView[]>('GET', `/api/v1/routes${qs ? `?${qs}` : ''}`);
      if (r.status !== 200) throw new Error(`routes: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async neighbor(address) {
      const r = await api<HeraldNeighborView>('GET', `/api/v1/neighbors/${address}`);
      if (r.status !== 200) throw new Error(`neighbor ${address}: HTTP ${r.status}`);
      return r.body;
    },
    async waitState(address, state, timeoutMs = 30_000) {
      await waitFor(async () => (await instance.neighbor(address)).state === state, {
        timeoutMs,
        intervalMs: 200,
        what: `herald ${address} → ${state}`,
      } as never);
    },
    logs() {
      return child
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    stop: () => child.stop(5000),
  };
  // Ready when the API answers (or, without touching the API, when the daemon logs that it is).
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Fatal(`herald exited: ${child.output()}`);
      if (opts.readyWhen === 'log') return instance.logs().some((l) => l.event === 'configLoaded');
      try {
        return (await api('GET', '/healthz')).status === 200;
      } catch {
        return false;
      }
    },
    { timeoutMs: 20_000, intervalMs: 100, what: 'herald API' },
  );
  return instance;
}
