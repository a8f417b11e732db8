// The process logger: JSON lines on stdout (pino). Every line carries an `event` name from the
// catalogue below so logs can be searched and alerted on.
import { type Logger, pino } from 'pino';

/** Log event names (camelCase, one catalogue). */
export const LogEvent = {
  daemonStarting: 'daemonStarting',
  daemonStopping: 'daemonStopping',
  configLoaded: 'configLoaded',
  configInvalid: 'configInvalid',
  featureUnavailable: 'featureUnavailable',
  listening: 'listening',
  apiListening: 'apiListening',
  sessionUp: 'sessionUp',
  sessionDown: 'sessionDown',
  notificationSent: 'notificationSent',
  notificationReceived: 'notificationReceived',
  routeAnnounced: 'routeAnnounced',
  routeWithdrawn: 'routeWithdrawn',
  updateTreatAsWithdraw: 'updateTreatAsWithdraw',
  dynamicPeerCreated: 'dynamicPeerCreated',
  connectionRejected: 'connectionRejected',
  gracefulRestartShutdown: 'gracefulRestartShutdown',
} as const;
export type LogEvent = (typeof LogEvent)[keyof typeof LogEvent];

export function createLogger(level = process.env.HERALD_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };
