// `herald run`: loads the config, starts the daemon and runs until SIGTERM/SIGINT, which sends
// every peer Cease/Administrative Shutdown (RFC 9003 message) before exiting.

import { rmSync } from 'node:fs';
import { buildApi } from '../api/server.js';
import { loadConfig, redactConfig } from '../config/load-config.js';
import { ConfigError } from '../config/validate.js';
import { createLogger, LogEvent } from '../log/logger.js';
import { Daemon } from './daemon.js';

/** "127.0.0.1:9179" or "[::1]:9179" → host and port; "/run/herald/api.sock" → a unix socket. */
function hostPort(text: string): { host: string; port: number } | { path: string } {
  if (text.startsWith('/')) return { path: text };
  const i = text.lastIndexOf(':');
  return { host: text.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(text.slice(i + 1)) };
}

export async function runDaemon(configPath: string): Promise<number> {
  const log = createLogger();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(configPath);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.error({ event: LogEvent.configInvalid, problems: e.problems }, 'configuration rejected');
    return 2;
  }
  log.info({ event: LogEvent.daemonStarting, config: redactConfig(config) }, 'herald starting');
  const daemon = new Daemon({ config, log });
  const api = config.api ? buildApi(daemon) : undefined;
  try {
    await daemon.start();
    if (config.api && api) {
      const at = hostPort(config.api.listen);
      // A unix socket left by a previous run would make listen fail with EADDRINUSE.
      if ('path' in at) rmSync(at.path, { force: true });
      await api.listen(at);
      log.info({ event: LogEvent.apiListening, listen: config.api.listen }, 'REST API listening');
    }
  } catch (e) {
    log.error({ event: LogEvent.daemonStopping, err: (e as Error).message }, 'cannot start');
    return 1;
  }
  log.info(
    {
      event: LogEvent.configLoaded,
      neighbors: config.neighbors.length,
      announcements: config.announce.length,
      routerId: daemon.routerId,
    },
    'configuration loaded',
  );
  await new Promise<void>((resolve) => {
    // Keeps the process alive when nothing else does (no listener, only passive peers).
    const alive = setInterval(() => {}, 2 ** 30);
    const stop = async (signal: string) => {
      log.info({ event: LogEvent.daemonStopping, signal }, 'herald stopping');
      // Peers that negotiated graceful restart keep our routes while we are away (RFC 4724).
      await daemon.stop(
        `herald stopping (${signal})`,
        config.neighbors.some((n) => n.gracefulRestart.enabled),
      );
      await api?.close();
      clearInterval(alive);
      resolve();
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
  return 0;
}
