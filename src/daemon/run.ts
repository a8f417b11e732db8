// `herald run`: loads the config, starts the daemon and the API, reloads on SIGHUP (and on
// POST /api/v1/config/reload), and on SIGTERM/SIGINT sends every peer Cease/Administrative
// Shutdown (RFC 9003 message) — or closes for graceful restart where negotiated — then exits.
import { statSync } from 'node:fs';
import type { Server } from 'node:http';
import v8 from 'node:v8';
import type { ApiListener } from '../api/lazy-api.js';
import { loadConfigOffThread } from '../config/load-config-off-thread.js';
import { redactConfig } from '../config/redact-config.js';
import type { HeraldConfig } from '../config/types.js';
import { ConfigError } from '../config/validate.js';
import { createLogger, LogEvent, type Logger, setLogLevel } from '../log/logger.js';
import { releaseFreeMemory } from '../sys/malloc-trim.js';
import { VERSION } from '../version.js';
import { trimAfterBursts } from './burst-trim.js';
import { Daemon, type ReloadResult } from './daemon.js';
import type { KubernetesMode } from './kubernetes-mode.js';
import { installLastResortHandlers } from './last-resort.js';
import { addressesInUse, hostPort } from './single-instance.js';
import { notifySystemd, reloadingState } from './systemd-notify.js';

/** The config's log level, unless HERALD_LOG_LEVEL overrides it for this run. */
/** The level in force after a start or reload (HERALD_LOG_LEVEL wins): a run-time change lasts until then. */
function applyLogLevel(log: Logger, config: HeraldConfig): void {
  setLogLevel(log, process.env.HERALD_LOG_LEVEL || config.log.level);
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
  load: () => Promise<HeraldConfig>,
  daemon: Daemon,
  log: Logger,
  afterReload: () => void,
): () => Promise<ReloadResult> {
  let queue: Promise<unknown> = Promise.resolve();
  const reloadOnce = async (): Promise<ReloadResult> => {
    notifySystemd(reloadingState());
    try {
      const next = await load();
      const result = await daemon.reload(next);
      afterReload();
      // A reload's scratch memory, freed but still resident in the C heap, goes back to the kernel.
      releaseFreeMemory();
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
  /** `--state-dir`: wins over the file's `stateDir` (the systemd unit sets it). */
  readonly stateDir?: string;
  /** `--always-block` / HERALD_ALWAYS_BLOCK: added to the file's `alwaysBlock`. */
  readonly alwaysBlock?: readonly string[];
}

/**
 * A config file up to this size is read without V8's optimizing compiler (100 announcements are
 * ~3 KB; 100,000 are ~3 MB and take twice as long to parse without it).
 */
const SMALL_CONFIG_BYTES = 256 * 1024;

/** V8's optimizing compiler on (bin/herald turns it off while `herald run` starts). */
function optimize(): void {
  v8.setFlagsFromString('--turbofan');
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // the loader says what is wrong with it
  }
}

export async function runDaemon(configPath: string, options: RunOptions = {}): Promise<number> {
  let log: Logger;
  try {
    log = createLogger();
  } catch (e) {
    process.stderr.write(`herald: ${(e as Error).message}\n`);
    return 2;
  }
  // Node's default for SIGHUP is to exit: until the daemon runs, a reload request is ignored.
  let onHangup = () => log.warn({ event: LogEvent.configReloadFailed }, 'SIGHUP before start: ignored');
  const hangup = () => onHangup();
  process.on('SIGHUP', hangup);
  const withOptions = (c: HeraldConfig): HeraldConfig => {
    const alwaysBlock = [...new Set([...c.alwaysBlock, ...(options.alwaysBlock ?? [])])];
    return { ...c, alwaysBlock, ...(options.stateDir && { stateDir: options.stateDir }) };
  };
  // The file is parsed off the main thread: on a reload keepalives and other sessions' timers keep
  // running, and the YAML parser's code and scratch memory never enter the daemon's heap.
  const load = async () => withOptions(await loadConfigOffThread(configPath));
  let config: HeraldConfig;
  // bin/herald started us without the optimizing compiler; a large file is parsed with it.
  if (fileSize(configPath) > SMALL_CONFIG_BYTES) optimize();
  try {
    config = await load();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.error({ event: LogEvent.configInvalid, problems: e.problems }, 'configuration rejected');
    process.off('SIGHUP', hangup);
    return 2;
  }
  applyLogLevel(log, config);
  // A few lines on a terminal; the whole config (secrets redacted) at debug.
  log.info({ event: LogEvent.daemonStarting, version: VERSION, configFile: configPath }, 'herald starting');
  // Before any session is dialled or kernel route touched: not beside a Herald already running here.
  const inUse = await addressesInUse(config);
  if (inUse.length > 0) {
    log.error({ event: LogEvent.daemonStopping, problems: inUse }, 'cannot start');
    process.off('SIGHUP', hangup);
    return 1;
  }
  log.debug({ event: LogEvent.daemonStarting, config: redactConfig(config) }, 'configuration in effect');
  const daemon = new Daemon({ config, log });
  let kubernetes: KubernetesMode | undefined;
  const reload = reloader(load, daemon, log, () => kubernetes?.refresh());
  // POST /api/v1/stop (`herald stop`): the same stop as the signals, once the daemon runs.
  let requestStop = (_why: string, _withdraw: boolean) => {};
  let metricsListener: Server | undefined;
  let api: ApiListener | undefined;
  try {
    // Kubernetes code is loaded only when enabled; its first view may give the router id.
    if (config.kubernetes.enabled) {
      optimize(); // the first view of a large cluster is work worth optimizing
      const { KubernetesMode } = await import('./kubernetes-mode.js');
      kubernetes = await KubernetesMode.start(daemon, config.kubernetes, { kubeconfig: options.kubeconfig });
      daemon.kubernetes = kubernetes;
    }
    await daemon.start();
    if (config.api) {
      const at = hostPort(config.api.listen); // a socket left by a crash is gone (addressesInUse)
      // Fastify and the routes are loaded on the API's first request (lazy-api.ts).
      const { listenApi } = await import('../api/lazy-api.js');
      // A unix socket is for this host's operators alone: owner only (the token still applies),
      // from the bind on (umask 0177: the socket is created 0600; a chmod after listen left a window).
      const umaskBefore = 'path' in at ? process.umask(0o177) : undefined;
      try {
        api = await listenApi(daemon, { reload, stop: (withdraw) => requestStop('API', withdraw) }, at);
      } finally {
        if (umaskBefore !== undefined) process.umask(umaskBefore);
      }
      log.info({ event: LogEvent.apiListening, listen: config.api.listen }, 'REST API listening');
      warnIfApiOpen(log, config);
    }
    const metricsAt = config.metrics?.listen;
    if (metricsAt) {
      const at = hostPort(metricsAt) as { host: string; port: number };
      const { startMetricsListener } = await import('../metrics/listener.js');
      metricsListener = await startMetricsListener(daemon, at);
      log.info({ event: LogEvent.apiListening, metrics: metricsAt }, 'metrics listening');
    }
  } catch (e) {
    log.error({ event: LogEvent.daemonStopping, err: (e as Error).message }, 'cannot start');
    await api?.close();
    metricsListener?.close();
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
  optimize();
  // Start-up's scratch memory, freed but still resident in the C heap, goes back to the kernel.
  releaseFreeMemory();
  onHangup = () => void reload().catch(() => {});
  let exitCode = 0;
  await new Promise<void>((resolve) => {
    // Keeps the process alive when nothing else does (no listener, only passive peers).
    const alive = setInterval(() => {}, 2 ** 30);
    const stopTrimming = trimAfterBursts();
    let stopping = false;
    const removeHandlers = installLastResortHandlers(log, () => {
      exitCode = 70; // EX_SOFTWARE: the service manager restarts us
      void stop('uncaughtException');
    });
    // `withdraw`: a hard stop — every peer gets Cease/Administrative Shutdown (inside a Hard Reset
    // where RFC 8538 was negotiated) and drops our routes now, graceful restart or not.
    const stop = async (signal: string, withdraw = false) => {
      if (stopping) return;
      stopping = true;
      notifySystemd('STOPPING=1');
      log.info({ event: LogEvent.daemonStopping, signal, withdraw }, 'herald stopping');
      process.off('SIGHUP', hangup);
      // Peers that negotiated graceful restart keep our routes while we are away (RFC 4724).
      await kubernetes?.stop();
      await daemon.stop(
        `herald stopping (${signal})`,
        !withdraw &&
          (daemon.config.neighbors.some((n) => n.gracefulRestart.enabled) ||
            (kubernetes?.wantsGracefulRestart() ?? false)),
      );
      await api?.close().catch(() => {});
      metricsListener?.close();
      clearInterval(alive);
      stopTrimming();
      removeHandlers();
      resolve();
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGUSR2', () => void stop('SIGUSR2', true));
    requestStop = (why, withdraw) => void stop(why, withdraw);
  });
  return exitCode;
}
