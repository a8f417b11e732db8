// The process logger (pino). Every line carries an `event` name from the catalogue below so logs can
// be searched and alerted on. Output is JSON lines on stdout, or human-readable lines (pino-pretty,
// as an in-process stream: no worker thread) when stdout is a terminal:
//   HERALD_LOG_FORMAT=json|pretty   forces one or the other (default: pretty on a TTY, else JSON)
//   HERALD_LOG_LEVEL=trace|debug|info|warn|error|fatal|silent   the initial level (default info)
// The level can be changed while running with `setLogLevel`.
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { type DestinationStream, type Logger, pino } from 'pino';
import type PinoPretty from 'pino-pretty';

// pino-pretty (~30 modules) is loaded only when a terminal or HERALD_LOG_FORMAT=pretty asks for it.
const loadPretty = (): typeof PinoPretty => createRequire(import.meta.url)('pino-pretty');

/** Log event names (camelCase, one catalogue). */
export const LogEvent = {
  daemonStarting: 'daemonStarting',
  daemonStopping: 'daemonStopping',
  configLoaded: 'configLoaded',
  configInvalid: 'configInvalid',
  configReloaded: 'configReloaded',
  configReloadFailed: 'configReloadFailed',
  logLevelChanged: 'logLevelChanged',
  featureUnavailable: 'featureUnavailable',
  listening: 'listening',
  listenerError: 'listenerError',
  stateChange: 'stateChange',
  apiListening: 'apiListening',
  sessionUp: 'sessionUp',
  sessionDown: 'sessionDown',
  notificationSent: 'notificationSent',
  notificationReceived: 'notificationReceived',
  routeAnnounced: 'routeAnnounced',
  routeWithdrawn: 'routeWithdrawn',
  updateTreatAsWithdraw: 'updateTreatAsWithdraw',
  dynamicPeerCreated: 'dynamicPeerCreated',
  unnumberedPeerFound: 'unnumberedPeerFound',
  unnumberedProblem: 'unnumberedProblem',
  connectionRejected: 'connectionRejected',
  gracefulRestartShutdown: 'gracefulRestartShutdown',
  initialStateSettled: 'initialStateSettled',
  stateDirError: 'stateDirError',
  stateDirRestored: 'stateDirRestored',
  healthCheckChanged: 'healthCheckChanged',
  neighborAdded: 'neighborAdded',
  neighborRemoved: 'neighborRemoved',
  neighborReset: 'neighborReset',
  routeNotSent: 'routeNotSent',
  maxPrefixes: 'maxPrefixes',
  connectFailed: 'connectFailed',
  sessionSetupFailed: 'sessionSetupFailed',
  kubernetesStarted: 'kubernetesStarted',
  kubernetesSnapshot: 'kubernetesSnapshot',
  kubernetesWatchError: 'kubernetesWatchError',
  kubernetesProblem: 'kubernetesProblem',
  allocatorLeading: 'allocatorLeading',
  ipAllocated: 'ipAllocated',
  allocatorError: 'allocatorError',
  serviceAnnounced: 'serviceAnnounced',
  serviceWithdrawn: 'serviceWithdrawn',
  kernelRoutesStarted: 'kernelRoutesStarted',
  kernelRouteNotInstalled: 'kernelRouteNotInstalled',
  kernelRoutesResynced: 'kernelRoutesResynced',
  kernelRoutesError: 'kernelRoutesError',
  kernelRoutesSwept: 'kernelRoutesSwept',
  internalError: 'internalError',
  unhandledRejection: 'unhandledRejection',
  uncaughtException: 'uncaughtException',
  bfdUp: 'bfdUp',
  bfdDown: 'bfdDown',
  bfdPeerSilent: 'bfdPeerSilent',
  bfdStateChange: 'bfdStateChange',
  bfdUnavailable: 'bfdUnavailable',
} as const;
export type LogEvent = (typeof LogEvent)[keyof typeof LogEvent];

/** The level names Herald accepts, most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

function checkLevel(level: unknown, what: string): LogLevel {
  if (isLogLevel(level)) return level;
  throw new Error(`invalid ${what} ${JSON.stringify(level)}: expected one of ${LOG_LEVELS.join(', ')}`);
}

export type LogFormat = 'json' | 'pretty';

/** HERALD_LOG_FORMAT wins; otherwise pretty on a terminal, JSON anywhere else (files, journald, pipes). */
export function resolveLogFormat(env: string | undefined, isTty: boolean): LogFormat {
  if (env === undefined || env === '') return isTty ? 'pretty' : 'json';
  if (env === 'json' || env === 'pretty') return env;
  throw new Error(`invalid HERALD_LOG_FORMAT ${JSON.stringify(env)}: expected json or pretty`);
}

export interface LoggerOptions {
  /** Default: HERALD_LOG_FORMAT, else by whether stdout is a TTY. */
  readonly format?: LogFormat;
  /** Where lines go (tests); default stdout. */
  readonly destination?: Writable;
}

/** Fields that hold secrets wherever they appear in a log line (MD5 keys, API tokens). */
const SECRET_PATHS = [
  'password',
  'token',
  '*.password',
  '*.token',
  'config.neighbors[*].password',
  'config.interfaceNeighbors[*].password',
  'config.api.token',
  'req.headers.authorization',
];

/**
 * The process logger. `level` defaults to HERALD_LOG_LEVEL or info; an unknown level or format throws
 * an Error naming the valid ones.
 */
export function createLogger(level?: string, opts: LoggerOptions = {}): Logger {
  const valid =
    level === undefined
      ? checkLevel(process.env.HERALD_LOG_LEVEL ?? 'info', 'HERALD_LOG_LEVEL')
      : checkLevel(level, 'log level');
  const format =
    opts.format ?? resolveLogFormat(process.env.HERALD_LOG_FORMAT, process.stdout.isTTY === true);
  const options = {
    level: valid,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // A safety net: secrets are redacted before logging, but a slip must not leak them either.
    // A secret that is not set stays absent: `<redacted>` would claim there is one.
    redact: { paths: SECRET_PATHS, censor: (v: unknown) => (v === undefined ? undefined : '<redacted>') },
  };
  if (format === 'json') {
    return opts.destination ? pino(options, opts.destination as DestinationStream) : pino(options);
  }
  const stream = loadPretty()({
    // Colours only for a terminal (not for a test buffer or a pipe forced to pretty).
    colorize: opts.destination ? false : process.stdout.isTTY === true,
    destination: opts.destination ?? 1,
    sync: true,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname,event,peer',
    messageFormat: '{if peer}{peer} {end}{if event}[{event}] {end}{msg}',
  });
  return pino(options, stream);
}

/**
 * Changes the level of `logger` at run time (the API and SIGHUP use this). Children created with
 * `logger.child()` follow it unless they were given a level of their own. Returns the previous
 * level; throws an Error naming the valid levels when `level` is not one of them.
 */
export function setLogLevel(logger: Logger, level: string): LogLevel {
  const valid = checkLevel(level, 'log level');
  const previous = logger.level as LogLevel;
  logger.level = valid;
  return previous;
}

export type { Logger };
