// One Herald per API address and BGP port. A second `herald run` on the same config (an operator
// next to the systemd service, say) used to take over the API's unix socket — removing the running
// daemon's — and dial every peer and touch the kernel routes before its own BGP listener failed.
// These checks run before anything is started: a unix socket that answers belongs to a running
// process, one that refuses is left over from a crash and removed; a TCP address (API, BGP
// listener) is tried with a bind. What is found in use stops the start with a reason.
import { existsSync, lstatSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { ListenAt } from '../api/lazy-api.js';
import type { HeraldConfig } from '../config/types.js';

/** "127.0.0.1:9179" or "[::1]:9179" → host and port; "/run/herald/api.sock" → a unix socket. */
export function hostPort(text: string): ListenAt {
  if (text.startsWith('/')) return { path: text };
  const i = text.lastIndexOf(':');
  return { host: text.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(text.slice(i + 1)) };
}

const PROBE_TIMEOUT_MS = 1000;

/** Whether a process accepts connections on the unix socket `path` (bounded). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (live: boolean) => {
      s.destroy();
      resolve(live);
    };
    s.setTimeout(PROBE_TIMEOUT_MS, () => done(true)); // accepted but silent is still someone's
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Whether another socket listens on `host:port` (a bind is tried and closed again at once). */
function inUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    // Only "in use" is decided here; any other error is the real listener's to report.
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE'));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

async function tcpProblem(
  key: string,
  host: string,
  port: number,
  who = 'Herald',
): Promise<string | undefined> {
  if (await inUse(host, port)) return `${key} ${host}:${port} is in use: is ${who} already running?`;
  return undefined;
}

async function apiProblem(listen: string): Promise<string | undefined> {
  const at = hostPort(listen);
  if ('host' in at) return tcpProblem('api.listen', at.host, at.port);
  if (!existsSync(at.path)) return undefined;
  if (!lstatSync(at.path).isSocket()) return `api.listen ${at.path} exists and is not a socket`;
  if (await answers(at.path))
    return `api.listen ${at.path} is answered by a running process: is Herald already running?`;
  rmSync(at.path, { force: true }); // left by a process that is gone
  return undefined;
}

/** Why this config cannot start beside what already runs here (empty: it can). */
export async function addressesInUse(config: HeraldConfig): Promise<string[]> {
  const metrics = config.metrics?.listen
    ? (hostPort(config.metrics.listen) as { host: string; port: number })
    : undefined;
  const problems = [
    config.api ? await apiProblem(config.api.listen) : undefined,
    metrics ? await tcpProblem('metrics.listen', metrics.host, metrics.port) : undefined,
    config.listen
      ? await tcpProblem(
          'listen',
          config.listen.address,
          config.listen.port,
          'Herald (or another BGP daemon)',
        )
      : undefined,
  ];
  return problems.filter((p): p is string => p !== undefined);
}
