// `herald run`: loads the config, starts the daemon and the API, reloads on SIGHUP (and on
// POST /api/v1/config/reload), and on SIGTERM/SIGINT sends every peer Cease/Administrative
// Shutdown (RFC 9003 message) — or closes for graceful restart where negotiated — then exits.
import { chmodSync, rmSync } from 'node:fs';
import { buildApi } from '../api/server.js';
import { loadConfig, redactConfig } from '../config/load-config.js';
import type { HeraldConfig } from '../config/types.js';
import { ConfigError } from '../config/validate.js';
import { createLogger, LogEvent, type Logger, setLogLevel } from '../log/logger.js';
import { Daemon, type ReloadResult } from './daemon.js';
import type { KubernetesMode } from './kubernetes-mode.js';
import { installLastResortHandlers } from './last-resort.js';
import { notifySystemd, reloadingState } from './systemd-notify.js';

/** "127.0.0.1:9179" or "[::1]:9179" → host and port; "/run/herald/api.sock" → a unix socket. */
function hostPort(text: string): { host: string; port: number } | { path: string } {
  if (text.startsWith('/')) return { path: text };
  const i = text.lastIndexOf(':');
  return { host: text.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(text.slice(i + 1)) };
}

/** The config's log level, unless HERALD_LOG_LEVEL overrides it for this run. */
function applyLogLevel(log: Logger, config: HeraldConfig): void {
  if (!process.env.HERALD_LOG_LEVEL) setLogLevel(log, config.log.level);
}

function warnIfApiOpen(log: Logger, config: HeraldConfig): void {
  const api = config.api;
  if (api && !api.token && !api.listen.startsWith('/') && !/^(127\.|\[::1\]|localhost)/.test(api.listen))
    log.warn(
      { event: LogEvent.apiListening, listen: api.listen },
      'the REST API listens beyond loopback without a token: set api.token, tokenFile or tokenEnv',
    );
}

/** Re-reads the file and applies it, one reload at a time; a bad file leaves everything as it was. */
function reloader(
  configPath: string,
  daemon: Daemon,
  log: Logger,
  afterReload: () => void,
): () => Promise<ReloadResult> {
  let queue: Promise<unknown> = Promise.resolve();
  const reloadOnce = async (): Promise<ReloadResult> => {
    notifySystemd(reloadingState());
    try {
      const next = loadConfig(configPath);
      const result = await daemon.reload(next);
      afterReload();
      applyLogLevel(log, next);
      warnIfApiOpen(log, next);
      log.info({ event: LogEvent.configReloaded, ...result }, 'configuration reloaded');
      return result;
    } catch (e) {
      const problems = e instanceof ConfigError ? e.problems : [(e as Error).message];
      log.error(
        { event: LogEvent.configReloadFailed, problems },
        'reload rejected; the running config stays',
      );
      throw e;
    } finally {
      notifySystemd('READY=1');
    }
  };
  return () => {
    const run = queue.then(reloadOnce, reloadOnce);
    queue = run.catch(() => {});
    return run;
  };
}

export interface RunOptions {
  /** `--kubeconfig`: the Kubernetes API server to use in Kubernetes mode. */
  readonly kubeconfig?: string;
}

export async function runDaemon(configPath: string, options: RunOptions = {}): Promise<number> {
  const log = createLogger();
  // Node's default for SIGHUP is to exit: until the daemon runs, a reload request is ignored.
  let onHangup = () => log.warn({ event: LogEvent.configReloadFailed }, 'SIGHUP before start: ignored');
  const hangup = () => onHangup();
  process.on('SIGHUP', hangup);
  let config: HeraldConfig;
  try {
    config = loadConfig(configPath);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.error({ event: LogEvent.configInvalid, problems: e.problems }, 'configuration rejected');
    process.off('SIGHUP', hangup);
    return 2;
  }
  applyLogLevel(log, config);
  log.info({ event: LogEvent.daemonStarting, config: redactConfig(config) }, 'herald starting');
  const daemon = new Daemon({ config, log });
  let kubernetes: KubernetesMode | undefined;
  const reload = reloader(configPath, daemon, log, () => kubernetes?.refresh());
  const api = config.api ? buildApi(daemon, { reload }) : undefined;
  try {
    // Kubernetes code is loaded only when enabled; its first view may give the router id.
    if (config.kubernetes.enabled) {
      const { KubernetesMode } = await import('./kubernetes-mode.js');
      kubernetes = await KubernetesMode.start(daemon, config.kubernetes, { kubeconfig: options.kubeconfig });
      daemon.kubernetes = kubernetes;
    }
    await daemon.start();
    if (config.api && api) {
      const at = hostPort(config.api.listen);
      // A unix socket left by a previous run would make listen fail with EADDRINUSE.
      if ('path' in at) rmSync(at.path, { force: true });
      await api.listen(at);
      // A unix socket is for this host's operators alone: owner only (the token still applies).
      if ('path' in at) chmodSync(at.path, 0o600);
      log.info({ event: LogEvent.apiListening, listen: config.api.listen }, 'REST API listening');
      warnIfApiOpen(log, config);
    }
  } catch (e) {
    log.error({ event: LogEvent.daemonStopping, err: (e as Error).message }, 'cannot start');
    await kubernetes?.stop();
    await daemon.stop('herald failed to start');
    process.off('SIGHUP', hangup);
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
  notifySystemd(`READY=1\nSTATUS=${config.neighbors.length} neighbors configured`);
  onHangup = () => void reload().catch(() => {});
  let exitCode = 0;
  await new Promise<void>((resolve) => {
    // Keeps the process alive when nothing else does (no listener, only passive peers).
    const alive = setInterval(() => {}, 2 ** 30);
    let stopping = false;
    const removeHandlers = installLastResortHandlers(log, () => {
      exitCode = 70; // EX_SOFTWARE: the service manager restarts us
      void stop('uncaughtException');
    });
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      notifySystemd('STOPPING=1');
      log.info({ event: LogEvent.daemonStopping, signal }, 'herald stopping');
      process.off('SIGHUP', hangup);
      // Peers that negotiated graceful restart keep our routes while we are away (RFC 4724).
      await kubernetes?.stop();
      await daemon.stop(
        `herald stopping (${signal})`,
        daemon.config.neighbors.some((n) => n.gracefulRestart.enabled) ||
          (kubernetes?.wantsGracefulRestart() ?? false),
      );
      await api?.close().catch(() => {});
      clearInterval(alive);
      removeHandlers();
      resolve();
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  });
  return exitCode;
}
