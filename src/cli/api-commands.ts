// CLI commands that talk to a running daemon through its REST API.
import { type Command, InvalidArgumentError } from 'commander';
import type { BfdSessionView } from '../api/bfd.js';
import type { FibView } from '../api/fib.js';
import type { FrrK8sView } from '../api/frrk8s.js';
import type { PolicyTestView } from '../api/policy-test.js';
import type { ServicesView } from '../api/services.js';
import type { InterfaceNeighborView, NeighborView } from '../api/views.js';
import { formatProblem } from '../config/formats.js';
import type { AnnouncementReport } from '../daemon/announcement-reach.js';
import type { ReloadResult } from '../daemon/daemon.js';
import type { RouteView } from '../rib/route-view.js';
import { ApiRequestError, ApiUnreachable, apiBase, callApi, callApiRows } from './api-client.js';
import { quietOnClosedPipe } from './closed-pipe.js';
import { configSourcesTable } from './config-sources.js';
import { fibText } from './fib-text.js';
import { PrettyJsonList, writeJson } from './json-out.js';
import { neighborText } from './neighbor-text.js';
import { routeDetail } from './route-lookup.js';
import { RoutesText } from './routes-text.js';
import { servicesTable } from './services-table.js';
import {
  announcementsTable,
  bfdTable,
  formatTable,
  neighborsTable,
  policyTestText,
  prefixRouteText,
  reloadText,
} from './tables.js';

interface Common {
  api?: string;
  json?: boolean;
}

/** Runs an API command's work, printing clear errors (exit 1 unreachable, 2 rejected). */
async function reportErrors(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (e) {
    if (e instanceof ApiUnreachable) {
      process.stderr.write(`herald: ${e.message}\n`);
      process.exitCode = 1;
    } else if (e instanceof ApiRequestError) {
      process.stderr.write(errorText(e));
      process.exitCode = 2;
    } else throw e;
  }
}

const toStdout = (text: string): void => {
  quietOnClosedPipe();
  process.stdout.write(text);
};

/** Runs an API command and prints its answer: `text` for people, JSON with --json. */
function run(
  opts: Common,
  fn: (base: string) => Promise<unknown>,
  text: (v: never) => string,
): Promise<void> {
  return reportErrors(async () => {
    const value = await fn(apiBase(opts.api));
    if (opts.json) writeJson(value, toStdout);
    else toStdout(`${text(value as never)}\n`);
  });
}

/**
 * An API error for the terminal, each problem once: the message alone when it says everything, a
 * lone problem alone (it is the message with the path in front), the code and one problem per line
 * when there are several.
 */
export function errorText(e: ApiRequestError): string {
  const problems = e.problems.filter((p) => p !== e.message);
  if (problems.length === 0) return `herald: ${e.code}: ${e.message}\n`;
  if (e.problems.length === 1) return `herald: ${e.code}: ${e.problems[0]}\n`;
  const head = e.message === e.problems.join('; ') ? '' : ` ${e.message}`;
  return `herald: ${e.code}:${head}\n${problems.map((p) => `  ${p}\n`).join('')}`;
}

/** A 32-bit unsigned option value; anything else is refused before a request is sent. */
function uint32(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 0xffffffff)
    throw new InvalidArgumentError(`must be an integer 0..4294967295, not "${text}"`);
  return n;
}

/** An option or argument checked with the API's own format (refused before a request is sent). */
function checked(format: string): (text: string) => string {
  return (text) => {
    const problem = formatProblem(format, text);
    if (problem) throw new InvalidArgumentError(problem);
    return text;
  };
}

/** The same for a repeatable option: each value checked, all kept. */
function checkedList(format: string): (text: string, previous?: string[]) => string[] {
  return (text, previous = []) => [...previous, checked(format)(text)];
}

/** POST /api/v1/neighbors/ADDRESS/ACTION (reset, refresh, shutdown, enable). */
function neighborAction(base: string, address: string, action: string, body: object = {}) {
  return callApi<{ heldBy?: string }>(
    base,
    'POST',
    `/api/v1/neighbors/${encodeURIComponent(address)}/${action}`,
    body,
  );
}

function withCommon(c: Command): Command {
  return c
    .option(
      '--api <url>',
      'API address (http://HOST:PORT or unix:/path); default $HERALD_API or http://127.0.0.1:9179',
    )
    .option('--json', 'print JSON');
}

export function addApiCommands(program: Command): void {
  withCommon(program.command('status').description('daemon status')).action((o: Common) =>
    run(
      o,
      (b) => callApi(b, 'GET', '/api/v1/status'),
      (s: Record<string, unknown>) =>
        formatTable(
          ['Key', 'Value'],
          Object.entries(s).map(([k, v]) => [k, String(v)]),
        ),
    ),
  );
  withCommon(program.command('neighbors').description('BGP neighbors, like `show ip bgp summary`')).action(
    (o: Common) =>
      run(
        o,
        async (b) => {
          const list = await callApi<NeighborView[]>(b, 'GET', '/api/v1/neighbors');
          if (o.json) return list;
          // The text also names the interface neighbors whose peer is not found yet.
          const links = await callApi<InterfaceNeighborView[]>(b, 'GET', '/api/v1/neighbors/interfaces');
          return { list, waiting: links.filter((l) => l.address === null) };
        },
        ({ list, waiting }: { list: NeighborView[]; waiting: InterfaceNeighborView[] }) =>
          neighborsTable(
            list,
            waiting.map(
              (l) => `${l.interface}: no router found on the link yet${l.problem ? ` (${l.problem})` : ''}`,
            ),
          ),
      ),
  );
  withCommon(
    program
      .command('interface-neighbors')
      .description('neighbors given by interface (BGP unnumbered): the peer found on each link'),
  ).action((o: Common) =>
    run(
      o,
      (b) => callApi<InterfaceNeighborView[]>(b, 'GET', '/api/v1/neighbors/interfaces'),
      (list: InterfaceNeighborView[]) =>
        formatTable(
          ['Interface', 'Peer', 'Problem'],
          list.map((n) => [n.interface, n.address ?? '(not found yet)', n.problem ?? '']),
        ),
    ),
  );
  withCommon(program.command('neighbor').argument('<address>').description('one neighbor in detail')).action(
    (address: string, o: Common) =>
      run(
        o,
        (b) => callApi<NeighborView>(b, 'GET', `/api/v1/neighbors/${encodeURIComponent(address)}`),
        neighborText,
      ),
  );
  withCommon(
    program
      .command('routes')
      .description('routes, like `show ip bgp`')
      .option('--table <in|loc|out>', 'Adj-RIB-In, Loc-RIB (best paths) or Adj-RIB-Out', 'in')
      .option('--neighbor <address>')
      .option('--afi <ipv4|ipv6>')
      .option('--prefix <prefix>'),
  ).action((o: Common & { table: string; neighbor?: string; afi?: string; prefix?: string }) => {
    const q = new URLSearchParams({ table: o.table });
    if (o.neighbor) q.set('neighbor', o.neighbor);
    if (o.afi) q.set('afi', o.afi);
    if (o.prefix) q.set('prefix', o.prefix);
    q.set('format', 'ndjson');
    const path = `/api/v1/routes?${q}`;
    // --json prints each row as it arrives; the table needs them all (sorted, columns sized).
    return reportErrors(async () => {
      const out = o.json ? new PrettyJsonList(toStdout) : new RoutesText(toStdout);
      await callApiRows<RouteView>(apiBase(o.api), path, (row) => out.add(row));
      out.end();
    });
  });
  withCommon(
    program
      .command('route')
      .argument(
        '<prefix>',
        'a prefix, e.g. 10.0.0.0/8, or an address: the longest prefix holding it',
        checked('prefix-or-ip'),
      )
      .description('one prefix: every path, best and ECMP set, and why the others are not best'),
  ).action((prefix: string, o: Common) => run(o, (b) => routeDetail(b, prefix), prefixRouteText));
  withCommon(
    program
      .command('policy')
      .description('routing policy')
      .command('test')
      .argument('<neighbor>', 'neighbor address')
      .argument('<prefix>', 'a prefix, e.g. 192.168.0.10/32')
      .option('--export', 'what the neighbor gets for the prefix (default: what its import policy does)')
      .description("evaluate a neighbor's import (or export) policy for one prefix: the term that decided"),
  ).action((neighbor: string, prefix: string, o: Common & { export?: boolean }) =>
    run(
      o,
      (b) =>
        callApi<PolicyTestView>(b, 'POST', '/api/v1/policy/test', {
          neighbor,
          prefix,
          direction: o.export ? 'export' : 'import',
        }),
      policyTestText,
    ),
  );
  withCommon(
    program
      .command('announce')
      .argument('<prefix>', 'the prefix, e.g. 192.0.2.10/32', checked('prefix'))
      .description('announce a prefix at run time')
      .option('--next-hop <address>', 'next hop (default: our session address)', checked('ip'))
      .option(
        '--community <community...>',
        'standard communities (64512:100, no-export)',
        checkedList('community'),
      )
      .option(
        '--large-community <community...>',
        'large communities (ASN:N:N)',
        checkedList('large-community'),
      )
      .option('--local-pref <n>', 'LOCAL_PREF (iBGP)', uint32)
      .option('--med <n>', 'MULTI_EXIT_DISC', uint32),
  ).action(
    (
      prefix: string,
      o: Common & {
        nextHop?: string;
        community?: string[];
        largeCommunity?: string[];
        localPref?: number;
        med?: number;
      },
    ) =>
      run(
        o,
        (b) =>
          callApi(b, 'POST', '/api/v1/announcements', {
            prefix,
            nextHop: o.nextHop,
            communities: o.community,
            largeCommunities: o.largeCommunity,
            localPref: o.localPref,
            med: o.med,
          }),
        (r: { prefix: string; warnings?: string[] }) =>
          [`announced ${r.prefix}`, ...(r.warnings ?? []).map((w) => `warning: ${w}`)].join('\n'),
      ),
  );
  withCommon(
    program
      .command('reset')
      .argument('<address>')
      .description('reset a session (Cease/Administrative Reset), or with --soft a route refresh both ways')
      .option('--soft', 'soft reset: ask the peer to resend and resend ours'),
  ).action((address: string, o: Common & { soft?: boolean }) =>
    run(
      o,
      (b) => neighborAction(b, address, o.soft ? 'refresh' : 'reset'),
      (r: { heldBy?: string }) =>
        `${o.soft ? 'soft reset' : 'reset'} ${address}${r.heldBy === 'bfd' ? ': held down by BFD, reconnects when BFD is Up' : ''}`,
    ),
  );
  withCommon(
    program
      .command('shutdown')
      .argument('<address>')
      .description('shut a session down and keep it down (Cease/Administrative Shutdown, RFC 9003)')
      .option('--message <text>', 'the shutdown communication the peer logs (RFC 9003)'),
  ).action((address: string, o: Common & { message?: string }) =>
    run(
      o,
      (b) => neighborAction(b, address, 'shutdown', { message: o.message }),
      () => `shut down ${address}; \`herald enable ${address}\` starts it again`,
    ),
  );
  withCommon(
    program.command('enable').argument('<address>').description('start a session that was shut down'),
  ).action((address: string, o: Common) =>
    run(
      o,
      (b) => neighborAction(b, address, 'enable'),
      (r: { heldBy?: string }) =>
        `enabled ${address}${r.heldBy === 'bfd' ? ': held down by BFD, starts when BFD is Up' : ''}`,
    ),
  );
  withCommon(
    program
      .command('withdraw')
      .argument('<prefix>', 'the prefix, e.g. 192.0.2.10/32', checked('prefix'))
      .description('withdraw a route (a configured one comes back at the next reload or restart)'),
  ).action((prefix: string, o: Common) =>
    run(
      o,
      (b) =>
        callApi(b, 'DELETE', `/api/v1/announcements/${prefix.split('/').map(encodeURIComponent).join('/')}`),
      (r: { configuredInForce?: boolean; warnings?: string[] }) =>
        [
          r.configuredInForce
            ? `withdrawn ${prefix} (the API route); the configured route for ${prefix} is in force again`
            : `withdrawn ${prefix}`,
          ...(r.warnings ?? []).map((w) => `warning: ${w}`),
        ].join('\n'),
    ),
  );
  withCommon(
    program
      .command('announcements')
      .description('routes Herald originates, announced or not, with their health'),
  ).action((o: Common) =>
    run(o, (b) => callApi<AnnouncementReport[]>(b, 'GET', '/api/v1/announcements'), announcementsTable),
  );
  withCommon(
    program.command('bfd').description('BFD sessions: state, discriminators, timers, last down, BGP hold'),
  ).action((o: Common) => run(o, (b) => callApi<BfdSessionView[]>(b, 'GET', '/api/v1/bfd'), bfdTable));
  withCommon(
    program
      .command('fib')
      .description('kernel routes: the table, how many are installed, and those held back and why'),
  ).action((o: Common) => run(o, (b) => callApi<FibView>(b, 'GET', '/api/v1/fib'), fibText));
  withCommon(
    program
      .command('services')
      .description('Kubernetes services: announced from this node or why not, to which neighbors'),
  ).action((o: Common) => run(o, (b) => callApi<ServicesView>(b, 'GET', '/api/v1/services'), servicesTable));
  const config = program.command('config').description('the configuration this node runs');
  withCommon(
    config
      .command('sources')
      .description('FRR-K8s mode: each source, merged or left out and why, what it contributes'),
  ).action((o: Common) => run(o, (b) => callApi<FrrK8sView>(b, 'GET', '/api/v1/frrk8s'), configSourcesTable));
  withCommon(
    program.command('reload').description('re-read the config file and apply the differences (like SIGHUP)'),
  ).action((o: Common) =>
    run(o, (b) => callApi<ReloadResult>(b, 'POST', '/api/v1/config/reload', {}), reloadText),
  );
  withCommon(
    program
      .command('stop')
      .description('stop the daemon; with graceful restart the peers keep our routes meanwhile')
      .option('--withdraw', 'send every peer Cease and withdraw our routes (no graceful restart)'),
  ).action((o: Common & { withdraw?: boolean }) =>
    run(
      o,
      (b) => callApi(b, 'POST', '/api/v1/stop', { withdraw: o.withdraw === true }),
      () => (o.withdraw ? 'stopping; routes withdrawn at every peer' : 'stopping'),
    ),
  );
  withCommon(
    program
      .command('log-level')
      .argument('[level]', 'trace, debug, info, warn, error, fatal or silent')
      .description('show or change the log level of the running daemon'),
  ).action((level: string | undefined, o: Common) =>
    run(
      o,
      (b) =>
        level === undefined
          ? callApi(b, 'GET', '/api/v1/log-level')
          : callApi(b, 'PUT', '/api/v1/log-level', { level }),
      (r: { level: string }) => r.level,
    ),
  );
}
