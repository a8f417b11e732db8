// `herald run`: loads the config and runs until SIGTERM/SIGINT. The BGP session layer (FSM, TCP
// transport, announcements) lands with the session issue; until then the daemon validates its
// config, logs what it would do and says plainly that sessions are not yet started.
import { loadConfig, redactConfig } from '../config/load-config.js';
import { ConfigError } from '../config/validate.js';
import { createLogger, LogEvent } from '../log/logger.js';

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
  log.info(
    {
      event: LogEvent.configLoaded,
      neighbors: config.neighbors.length,
      announcements: config.announce.length,
    },
    'configuration loaded',
  );
  log.warn(
    { event: LogEvent.featureUnavailable, feature: 'bgp-sessions' },
    'BGP sessions are not implemented in this build yet: no neighbor is dialled or accepted',
  );
  await new Promise<void>((resolve) => {
    // Nothing else holds the event loop open yet (no sockets), so a timer does.
    const alive = setInterval(() => {}, 2 ** 30);
    const stop = (signal: string) => {
      log.info({ event: LogEvent.daemonStopping, signal }, 'herald stopping');
      clearInterval(alive);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
