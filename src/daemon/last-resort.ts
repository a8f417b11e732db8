// Last-resort handlers for `herald run`. A rejected promise nobody handled is a bug in Herald, but
// the work it belonged to has already been abandoned, so the daemon logs it and keeps every session
// running. An uncaught exception may leave state half-updated, so the daemon logs it and stops the
// way a SIGTERM would (graceful restart keeps the routes at peers that negotiated it); the service
// manager restarts it.
import { LogEvent, type Logger } from '../log/logger.js';

function describe(e: unknown): { err: string; stack?: string } {
  return e instanceof Error ? { err: e.message, stack: e.stack } : { err: String(e) };
}

/** Installs the handlers; returns a function that removes them. */
export function installLastResortHandlers(log: Logger, fatal: (e: unknown) => void): () => void {
  const onRejection = (reason: unknown) =>
    log.error(
      { event: LogEvent.unhandledRejection, ...describe(reason) },
      'unhandled promise rejection (a bug: please report it); sessions keep running',
    );
  const onException = (e: unknown) => {
    log.fatal({ event: LogEvent.uncaughtException, ...describe(e) }, 'uncaught exception: stopping');
    fatal(e);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
