// GET /api/v1/fib: the kernel routes — whether Herald installs routes, where, how many are
// installed, and the ones held back or refused with the reason (a next hop the kernel cannot reach,
// another protocol's route in the way).
import type { Static } from 'typebox';
import { Type } from '../config/schema-type.js';
import type { Daemon } from '../daemon/daemon.js';
import type { Api } from './server.js';

const HeldSchema = Type.Object(
  {
    prefix: Type.String(),
    table: Type.Integer(),
    metric: Type.Integer(),
    state: Type.String({ description: 'held (no usable next hop) or failed (the kernel refused it)' }),
    reason: Type.String(),
  },
  { additionalProperties: true },
);

export const FibViewSchema = Type.Object({
  enabled: Type.Boolean(),
  table: Type.Integer(),
  metric: Type.Integer(),
  protocol: Type.Integer(),
  prefixList: Type.Union([Type.Null(), Type.String()]),
  routes: Type.Union([
    Type.Null(),
    Type.Object({
      desired: Type.Integer(),
      installed: Type.Integer(),
      held: Type.Integer(),
      failed: Type.Integer(),
      pending: Type.Integer(),
    }),
  ]),
  notInstalled: Type.Array(HeldSchema),
});

export type FibView = Static<typeof FibViewSchema>;

export function fibRoutes(app: Api, daemon: Daemon): void {
  app.get(
    '/api/v1/fib',
    {
      schema: {
        tags: ['routes'],
        summary: 'Kernel routes: where Herald installs, how many, and what is held back and why',
        response: { 200: FibViewSchema },
      },
    },
    async () => {
      const feed = daemon.kernelRoutes;
      // What runs: a reload that changed fib awaits a restart.
      const fib = feed?.settings ?? daemon.config.fib;
      return {
        enabled: fib.enabled,
        table: fib.table,
        metric: fib.metric,
        protocol: fib.protocol,
        prefixList: fib.prefixList ?? null,
        routes: feed?.counts() ?? null,
        notInstalled: (feed?.held() ?? []).map((s) => ({ ...s, reason: 'reason' in s ? s.reason : s.state })),
      };
    },
  );
}
