// /api/v1/neighbors: the summary, one neighbor, and the operator's actions on a session.
import type { Daemon } from '../daemon/daemon.js';
import type { Peer } from '../session/peer.js';
import { CeaseSubcode, canonicalAddress, cease } from '../wire/index.js';
import { ApiError } from './errors.js';
import {
  ActionResult,
  AddressParams,
  ErrorResponses,
  InterfaceNeighborSchema,
  MessageBody,
  NeighborViewSchema,
} from './schemas.js';
import type { Api } from './server.js';
import { neighborView } from './views.js';

const tags = ['neighbors'];

export function neighborRoutes(app: Api, daemon: Daemon): void {
  const peerOf = (address: string): Peer => {
    const p = daemon.peers.get(canonicalAddress(address));
    if (!p) throw new ApiError(404, 'neighborNotFound', `no neighbor ${address}`);
    return p;
  };

  app.get(
    '/api/v1/neighbors',
    {
      schema: {
        tags,
        summary: 'Every neighbor',
        response: { 200: { type: 'array', items: NeighborViewSchema } },
      },
    },
    async () => [...daemon.peers.values()].map((p) => neighborView(daemon, p)),
  );
  app.get(
    '/api/v1/neighbors/interfaces',
    {
      schema: {
        tags,
        summary: 'Neighbors given by interface (BGP unnumbered): the peer found on each link',
        response: { 200: { type: 'array', items: InterfaceNeighborSchema } },
      },
    },
    async () =>
      daemon.interfaceNeighbors().map((n) => ({
        interface: n.interface,
        address: n.address ?? null,
        problem: n.problem ?? null,
      })),
  );
  app.get(
    '/api/v1/neighbors/:address',
    {
      schema: {
        tags,
        summary: 'One neighbor',
        params: AddressParams,
        response: { 200: NeighborViewSchema, ...ErrorResponses },
      },
    },
    async (req) => neighborView(daemon, peerOf(req.params.address)),
  );

  const action = (
    name: string,
    summary: string,
    run: (p: Peer, message: string | undefined) => Promise<boolean | undefined> | undefined,
  ) =>
    app.post(
      `/api/v1/neighbors/:address/${name}`,
      {
        schema: {
          tags,
          summary,
          params: AddressParams,
          body: MessageBody,
          response: { 200: ActionResult, ...ErrorResponses },
        },
      },
      async (req) => {
        const p = peerOf(req.params.address);
        const requested = await run(p, req.body?.message);
        return {
          address: p.address,
          action: name,
          ...(requested === undefined ? {} : { routeRefreshRequested: requested }),
          ...(!daemon.bfd.allowsStart(p.address) && { heldBy: 'bfd' as const }),
        };
      },
    );

  action('reset', 'Hard reset: Cease/Administrative Reset, then reconnect', (p, message) => {
    // RFC 4486: Cease/Administrative Reset, then the session starts again.
    p.stop(cease(CeaseSubcode.ADMINISTRATIVE_RESET, message ?? 'reset by operator'));
    // A neighbor the operator shut down stays down until `enable`.
    if (daemon.shutDown.has(p.address)) return undefined;
    // While BFD holds the session down, it starts when BFD is Up again, not now.
    if (daemon.bfd.operatorStart(p.address)) p.start();
    return undefined;
  });
  action('refresh', 'Soft reset: ask for ROUTE-REFRESH and resend our routes', async (p) => {
    if (!p.session) throw new ApiError(409, 'notEstablished', `${p.address} is ${p.state}`);
    const requested = p.requestRefresh();
    await daemon.engine.neighbor(p.address)?.resendAll();
    return requested;
  });
  action('shutdown', 'Cease/Administrative Shutdown with a message; stays down', (p, message) => {
    // RFC 9003: the message travels in the Cease/Administrative Shutdown NOTIFICATION.
    p.stop(cease(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, message ?? 'shut down by operator'));
    daemon.bfd.operatorShutdown(p.address);
    daemon.shutDown.add(p.address);
    return undefined;
  });
  action('enable', 'Start a session that was shut down (once BFD is Up, when BFD holds it)', (p) => {
    daemon.shutDown.delete(p.address);
    if (daemon.bfd.operatorStart(p.address)) p.start();
    return undefined;
  });
}
