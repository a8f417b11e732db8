// Administration: the running config (secrets redacted), reload, and the log level.
import Type from 'typebox';
import { redactConfig } from '../config/load-config.js';
import { LOG_LEVELS } from '../config/schema.js';
import { ConfigError } from '../config/validate.js';
import type { Daemon, ReloadResult } from '../daemon/daemon.js';
import { LogEvent, setLogLevel } from '../log/logger.js';
import { ApiError } from './errors.js';
import { ErrorResponses, ReloadResultSchema } from './schemas.js';
import type { Api } from './server.js';

const tags = ['admin'];
const LevelSchema = Type.Object({ level: Type.Enum(LOG_LEVELS) }, { additionalProperties: false });

export function adminRoutes(app: Api, daemon: Daemon, reload?: () => Promise<ReloadResult>): void {
  app.get(
    '/api/v1/config',
    { schema: { tags, summary: 'The running config, normalized, secrets redacted' } },
    async () => redactConfig(daemon.config),
  );
  app.post(
    '/api/v1/config/reload',
    {
      schema: {
        tags,
        summary: 'Re-read the config file and apply the differences (same as SIGHUP)',
        response: { 200: ReloadResultSchema, ...ErrorResponses, 422: ErrorResponses[400] },
      },
    },
    async () => {
      if (!reload)
        throw new ApiError(409, 'reloadUnavailable', 'this daemon was not started from a config file');
      try {
        return await reload();
      } catch (e) {
        if (e instanceof ConfigError)
          throw new ApiError(
            422,
            'configInvalid',
            'the new config was rejected; the running one stays',
            e.problems,
          );
        throw e;
      }
    },
  );
  app.get(
    '/api/v1/log-level',
    { schema: { tags, summary: 'The current log level', response: { 200: LevelSchema } } },
    async () => ({
      level: daemon.log.level as (typeof LOG_LEVELS)[number],
    }),
  );
  app.put(
    '/api/v1/log-level',
    {
      schema: {
        tags,
        summary: 'Change the log level now (until the next reload or restart)',
        body: LevelSchema,
        response: { 200: LevelSchema, ...ErrorResponses },
      },
    },
    async (req) => {
      const previous = setLogLevel(daemon.log, req.body.level);
      daemon.log.info(
        { event: LogEvent.logLevelChanged, from: previous, to: req.body.level },
        'log level changed',
      );
      return { level: req.body.level };
    },
  );
}
