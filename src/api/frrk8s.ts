// GET /api/v1/frrk8s: FRR-K8s mode's merged configuration on this node, in the spirit of FRR-K8s's
// FRRNodeState: each source (config file, BGPPeers, FRRConfigurations) merged or left out and
// why, the routers per VRF, and per neighbor the sources behind it, the prefixes it is sent with
// their attributes, what it may send us (toReceive), and the BGP state of its session.
import type { Static, TSchema } from 'typebox';
import { Type } from '../config/schema-type.js';
import type { Daemon } from '../daemon/daemon.js';
import { importPolicyName } from '../daemon/frrk8s-plan.js';
import { rejectedSources } from '../daemon/frrk8s-status.js';
import type { Api } from './server.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const FrrK8sViewSchema = Type.Object({
  enabled: Type.Boolean({ description: 'kubernetes.enabled and kubernetes.frrk8s, and a first snapshot' }),
  nodeName: Nullable(Type.String()),
  sources: Type.Array(
    Type.Object({
      source: Type.String({ description: '"config file", "BGPPeer ns/name" or "FRRConfiguration ns/name"' }),
      merged: Type.Boolean(),
      reason: Nullable(Type.String({ description: 'Why the source was left out (naming both sources)' })),
    }),
  ),
  routers: Type.Array(
    Type.Object({
      asn: Type.Integer(),
      id: Nullable(Type.String()),
      vrf: Type.String({ description: "'' for the default VRF" }),
      prefixes: Type.Array(Type.String()),
      sources: Type.Array(Type.String()),
    }),
  ),
  neighbors: Type.Array(
    Type.Object({
      key: Type.String({ description: 'address, or vrf/address' }),
      address: Nullable(Type.String()),
      vrf: Type.String(),
      sources: Type.Array(Type.String()),
      configFile: Type.Boolean({
        description: 'The config file has it: its settings and importPolicy apply',
      }),
      state: Nullable(Type.String({ description: 'BGP state; null when no session runs for it' })),
      advertised: Type.Array(
        Type.Object({
          prefix: Type.String(),
          localPref: Nullable(Type.Integer()),
          communities: Type.Array(Type.String()),
        }),
      ),
      toReceive: Type.Object({
        mode: Type.Enum(['all', 'filtered']),
        prefixes: Type.Array(
          Type.Object({ prefix: Type.String(), ge: Nullable(Type.Integer()), le: Nullable(Type.Integer()) }),
        ),
      }),
      importPolicy: Nullable(Type.String()),
    }),
  ),
  problems: Type.Array(
    Type.Object({ resource: Type.String(), field: Type.String(), message: Type.String() }),
  ),
});

export type FrrK8sView = Static<typeof FrrK8sViewSchema>;

export function frrk8sView(daemon: Daemon): FrrK8sView {
  const k8s = daemon.kubernetes;
  const plan = k8s?.frrk8s();
  if (!k8s || !plan)
    return {
      enabled: false,
      nodeName: k8s?.nodeName ?? null,
      sources: [],
      routers: [],
      neighbors: [],
      problems: [],
    };
  const { merged } = plan;
  // Left out: FRRConfigurations that could not be read (spec.raw, an invalid field), then conflicts.
  const left = rejectedSources(plan, k8s.state()?.problems ?? []);
  const rejected = new Map(left.map((r) => [r.source, r.reason]));
  return {
    enabled: true,
    nodeName: k8s.nodeName,
    sources: [
      ...merged.accepted.map((source) => ({ source, merged: true, reason: null })),
      ...[...rejected].map(([source, reason]) => ({ source, merged: false, reason })),
    ],
    routers: merged.routers.map((r) => ({ ...r, id: r.id ?? null })),
    neighbors: merged.neighbors.map((m) => {
      const address = plan.peerAddress.get(m.key) ?? null;
      const peer = address === null ? undefined : daemon.peers.get(address);
      return {
        key: m.key,
        address,
        vrf: m.vrf,
        sources: m.sources,
        configFile: m.configFile,
        state: peer ? peer.state : null,
        advertised: Object.entries(m.advertise)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([prefix, a]) => ({
            prefix,
            localPref: a.localPref ?? null,
            communities: a.communities,
          })),
        toReceive: {
          mode: m.receive.all ? ('all' as const) : ('filtered' as const),
          prefixes: m.receive.prefixes.map((p) => ({ prefix: p.prefix, ge: p.ge ?? null, le: p.le ?? null })),
        },
        importPolicy: m.configFile
          ? (daemon.neighborConfig(address ?? '')?.importPolicy ?? null)
          : address && peer
            ? importPolicyName(address)
            : null,
      };
    }),
    problems: k8s.problems(),
  };
}

export function frrk8sRoutes(app: Api, daemon: Daemon): void {
  app.get(
    '/api/v1/frrk8s',
    {
      schema: {
        tags: ['kubernetes'],
        summary: 'FRR-K8s mode: the merged configuration of this node, each source merged or why not',
        response: { 200: FrrK8sViewSchema },
      },
    },
    async () => frrk8sView(daemon),
  );
}
