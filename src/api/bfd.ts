// GET /api/v1/bfd: every neighbor's BFD session (RFC 5880): state, discriminators, negotiated
// intervals, diagnostics, uptime, counters, and whether it holds the BGP session down.
import type { Static, TSchema } from 'typebox';
import { diagName } from '../bfd/registry.js';
import { Type } from '../config/schema-type.js';
import type { NeighborBfdView } from '../daemon/bfd-sessions.js';
import type { Daemon } from '../daemon/daemon.js';
import type { Api } from './server.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Ms = (description: string) => Nullable(Type.Number({ description: `${description} (ms)` }));

export const BfdSessionSchema = Type.Object({
  neighbor: Type.String({ description: 'The BGP neighbor using the session' }),
  peer: Type.String(),
  local: Nullable(Type.String({ description: 'Local address, when configured' })),
  interface: Nullable(Type.String()),
  multihop: Type.Boolean({ description: 'RFC 5883 multihop (else RFC 5881 single hop)' }),
  profile: Nullable(Type.String()),
  strict: Type.Boolean({ description: 'BGP waits for BFD Up even before BFD first came up' }),
  bgpHeld: Type.Boolean({ description: 'BFD holds the BGP session down' }),
  state: Type.String({ description: 'AdminDown, Down, Init, Up, or Unavailable (see error)' }),
  remoteState: Nullable(Type.String()),
  localDiscriminator: Type.Integer(),
  remoteDiscriminator: Type.Integer({ description: '0 until the peer is heard' }),
  localDiag: Nullable(Type.String({ description: 'Our diagnostic (RFC 5880 §4.1), camelCase' })),
  remoteDiag: Nullable(Type.String()),
  txInterval: Ms('Negotiated transmit interval before jitter'),
  rxInterval: Ms("The peer's agreed transmit interval"),
  detectionTime: Ms('Detection time'),
  multiplier: Nullable(Type.Integer()),
  remoteMultiplier: Nullable(Type.Integer()),
  polling: Type.Boolean({ description: 'A Poll Sequence (parameter change) is running' }),
  lastDownDiag: Nullable(Type.String({ description: 'Diagnostic of the last Up → Down' })),
  lastDownAt: Nullable(Type.String({ description: 'When the session last left Up (ISO 8601)' })),
  uptimeSeconds: Nullable(Type.Number()),
  counters: Type.Object({
    packetsIn: Type.Integer(),
    packetsOut: Type.Integer(),
    discarded: Type.Integer(),
    upTransitions: Type.Integer(),
    downTransitions: Type.Integer(),
  }),
  error: Nullable(Type.String({ description: 'Why the session could not be created (BGP runs without it)' })),
});

export type BfdSessionView = Static<typeof BfdSessionSchema>;

/** The API's view of one neighbor's BFD session. */
export function bfdSessionView(v: NeighborBfdView): BfdSessionView {
  const s = v.session;
  const c = s?.counters;
  return {
    neighbor: v.neighbor,
    peer: s?.peer ?? v.neighbor,
    local: s?.local ?? null,
    interface: s?.interface ?? null,
    multihop: s?.multihop ?? false,
    profile: v.profile,
    strict: v.strict,
    bgpHeld: v.bgpHeld,
    state: s?.state ?? 'Unavailable',
    remoteState: s?.remoteState ?? null,
    localDiscriminator: s?.localDiscr ?? 0,
    remoteDiscriminator: s?.remoteDiscr ?? 0,
    localDiag: s ? diagName(s.localDiag) : null,
    remoteDiag: s ? diagName(s.remoteDiag) : null,
    txInterval: s?.txInterval ?? null,
    rxInterval: s?.rxInterval ?? null,
    detectionTime: s?.detectionTime ?? null,
    multiplier: s?.multiplier ?? null,
    remoteMultiplier: s?.remoteMultiplier ?? null,
    polling: s?.polling ?? false,
    lastDownDiag: s?.lastDownDiag == null ? null : diagName(s.lastDownDiag),
    lastDownAt: s?.lastDownAt == null ? null : new Date(s.lastDownAt).toISOString(),
    uptimeSeconds: s?.uptimeMs == null ? null : Math.floor(s.uptimeMs / 1000),
    counters: {
      packetsIn: c?.packetsIn ?? 0,
      packetsOut: c?.packetsOut ?? 0,
      discarded: c?.discarded ?? 0,
      upTransitions: c?.upTransitions ?? 0,
      downTransitions: c?.downTransitions ?? 0,
    },
    error: v.error,
  };
}

export function bfdRoutes(app: Api, daemon: Daemon): void {
  app.get(
    '/api/v1/bfd',
    {
      schema: {
        tags: ['bfd'],
        summary: 'BFD sessions of the neighbors that run BFD',
        response: { 200: Type.Array(BfdSessionSchema) },
      },
    },
    async () => daemon.bfd.views().map(bfdSessionView),
  );
}
