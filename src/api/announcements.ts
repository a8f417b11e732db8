// /api/v1/announcements: the routes Herald originates, with their health; run-time additions
// and withdrawals for scripts (the ExaBGP-style API).

import { exactPrefix } from '../config/formats.js';
import { AnnouncementBodySchema } from '../config/schema.js';
import { Type } from '../config/schema-type.js';
import { announcementReports, announceWarnings } from '../daemon/announcement-reach.js';
import { RouteTooLarge } from '../daemon/announcements.js';
import type { Daemon } from '../daemon/daemon.js';
import { formatPrefix, parsePrefix } from '../wire/index.js';
import { ApiError } from './errors.js';
import { AnnouncementViewSchema, ErrorResponses, PrefixSchema, WithdrawnSchema } from './schemas.js';
import type { Api } from './server.js';

const tags = ['announcements'];

export function announcementRoutes(app: Api, daemon: Daemon): void {
  const withdraw = (text: string) => {
    let gone: boolean;
    try {
      // The path form's address is only an IP to its schema: host bits are refused here, as in the others.
      exactPrefix(text);
      gone = daemon.withdraw(text);
    } catch (e) {
      throw new ApiError(400, 'invalidRequest', (e as Error).message, [`prefix: ${(e as Error).message}`]);
    }
    const prefix = formatPrefix(parsePrefix(text));
    if (!gone) throw new ApiError(404, 'announcementNotFound', `${prefix} is not announced`);
    // API routes are their own source: withdrawing one that overrode a configured route brings that back.
    const configured = daemon.announcements
      .views()
      .some((v) => v.prefix === prefix && v.source === 'config' && !v.withdrawn);
    return {
      withdrawn: prefix,
      ...(configured && { configuredInForce: true }),
      ...(daemon.stateDirProblem && { warnings: [daemon.stateDirProblem] }),
    };
  };

  app.get(
    '/api/v1/announcements',
    {
      schema: {
        tags,
        summary: 'Routes Herald originates, whether announced now, and their health checks',
        response: { 200: { type: 'array', items: AnnouncementViewSchema } },
      },
    },
    async () => announcementReports(daemon.engine, daemon.config.asn, daemon.announcements.views()),
  );
  app.post(
    '/api/v1/announcements',
    {
      schema: {
        tags,
        summary: 'Announce (or replace) a route at run time',
        body: AnnouncementBodySchema,
        response: {
          201: Type.Object({
            prefix: Type.String(),
            warnings: Type.Array(Type.String(), {
              description: 'What of the route no neighbor gets, and a stateDir that could not keep it',
            }),
          }),
          ...ErrorResponses,
        },
      },
    },
    async (req, reply) => {
      let route: ReturnType<Daemon['announce']>;
      try {
        route = daemon.announce(req.body);
      } catch (e) {
        if (!(e instanceof RouteTooLarge)) throw e;
        throw new ApiError(422, 'routeTooLarge', e.message, [`body: ${e.message}`]);
      }
      const prefix = formatPrefix(route.prefix);
      const view = daemon.announcements.views().find((v) => v.prefix === prefix && v.source === 'api');
      const warnings = view ? announceWarnings(daemon.engine, daemon.config.asn, view) : [];
      if (daemon.stateDirProblem) warnings.push(daemon.stateDirProblem);
      return reply.status(201).send({ prefix, warnings });
    },
  );
  app.delete(
    '/api/v1/announcements/:prefix/:len',
    {
      schema: {
        tags,
        summary: 'Withdraw a route (a configured one comes back at the next reload or restart)',
        params: {
          type: 'object',
          properties: {
            prefix: { type: 'string', format: 'ip' },
            len: { type: 'integer', minimum: 0, maximum: 128 },
          },
          required: ['prefix', 'len'],
        },
        response: {
          200: WithdrawnSchema,
          ...ErrorResponses,
        },
      },
    },
    async (req) => {
      const { prefix, len } = req.params as { prefix: string; len: number };
      return withdraw(`${prefix}/${len}`);
    },
  );
  app.delete(
    '/api/v1/announcements',
    {
      schema: {
        tags,
        summary: 'Withdraw a route named in the body or the query: {prefix} or ?prefix=P',
        querystring: PrefixSchema,
        body: Type.Union([PrefixSchema, Type.Null()]),
        response: { 200: WithdrawnSchema, ...ErrorResponses },
      },
    },
    async (req) => {
      const prefix = req.body?.prefix ?? req.query.prefix;
      if (prefix === undefined)
        throw new ApiError(400, 'invalidRequest', 'prefix is required', ['body.prefix: is required']);
      return withdraw(prefix);
    },
  );
}
