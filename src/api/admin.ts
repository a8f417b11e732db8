// Administration: the running config (secrets redacted), reload, and the log level.
import { redactConfig } from '../config/redact-config.js';
import { LOG_LEVELS } from '../config/schema.js';
import { Type } from '../config/schema-type.js';
import { ConfigError } from '../config/validate.js';
import type { Daemon, ReloadResult } from '../daemon/daemon.js';
import { LogEvent, setLogLevel } from '../log/logger.js';
import { ApiError } from './errors.js';
import { ErrorResponses, ReloadResultSchema } from './schemas.js';
import type { Api } from './server.js';

const tags = ['admin'];
const LevelSchema = Type.Object({ level: Type.Enum(LOG_LEVELS) }, { additionalProperties: false });

const StopBody = Type.Union([
  Type.Object(
    {
      withdraw: Type.Optional(
        Type.Boolean({
          description:
            'Send every peer Cease and withdraw, even where graceful restart would keep the routes',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export function adminRoutes(
  app: Api,
  daemon: Daemon,
  reload?: () => Promise<ReloadResult>,
  stop?: (withdraw: boolean) => void,
): void {
  app.post(
    '/api/v1/stop',
    {
      schema: {
        tags,
        summary: 'Stop the daemon (like SIGTERM; with withdraw, like SIGUSR2: Cease, routes withdrawn)',
        body: StopBody,
        response: {
          202: Type.Object({ stopping: Type.Boolean(), withdraw: Type.Boolean() }),
          ...ErrorResponses,
        },
      },
    },
    async (req, reply) => {
      if (!stop) throw new ApiError(409, 'stopUnavailable', 'this daemon was not started by `herald run`');
      const withdraw = req.body?.withdraw === true;
      // After the answer has left: the stop closes the API.
      reply.raw.once('finish', () => stop(withdraw));
      return reply.status(202).send({ stopping: true, withdraw });
    },
  );
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
