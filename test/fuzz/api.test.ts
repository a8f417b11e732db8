// The REST API fuzzed from its own OpenAPI document (issue 16): for every operation in GET
// /api/v1/openapi.json, requests with generated path parameters, query strings and bodies — some
// following the schema (valid values, boundaries, wrong types), some arbitrary JSON or text — sent
// over HTTP to a real Daemon's API. Every answer must be a status below 500 with a JSON body, and
// the daemon must stay up (/healthz). A fixed seed and a few hundred requests in the normal run;
// `npm run fuzz` runs it for a while. (Not through Fastify's inject: light-my-request 6.8 keeps
// ~9.5 KB per injected request for the life of the process, which ran a campaign out of heap.)
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../src/api/server.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';
import { budget, report, timeoutFor } from './budget.js';

const config = parseConfig(
  'asn: 64512\nrouterId: 192.0.2.10\nlisten: false\nneighbors:\n  - { address: 127.0.0.2, peerAsn: 64513, passive: true }\n' +
    'announce:\n  - { prefix: 198.51.100.10/32, communities: ["64512:1"] }\n',
);
const daemon = new Daemon({ config, log: createLogger('silent') });
const app = buildApi(daemon);

const agent = new http.Agent({ keepAlive: true });
let port = 0;

beforeAll(async () => {
  await daemon.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  agent.destroy();
  await daemon.stop('test over');
  await app.close();
});

interface Answer {
  statusCode: number;
  body: string;
}

/** One request over a kept-alive loopback connection. */
function send(
  method: string,
  path: string,
  payload?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // With its length, so that a GET's body is read as its body (not as the next request).
    const length = payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) };
    const options = { host: '127.0.0.1', port, path, method, headers: { ...headers, ...length }, agent };
    const req = http.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', '../../etc/passwd', '%00', '\u0000', 'a'.repeat(5000)),
  fc.jsonValue({ maxDepth: 3 }),
);

const formatValues: Record<string, fc.Arbitrary<string>> = {
  ip: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('127.0.0.2', '::ffff:127.0.0.2', '0.0.0.0', '::')),
  prefix: fc.oneof(
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([a, l]) => `${a}/${l}`),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 140 })).map(([a, l]) => `${a}/${l}`),
  ),
};

/** Values for a schema: mostly valid ones (boundaries included), sometimes anything at all. */
function fromSchema(s: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 4) return junk;
  const valid = validFor(s, depth);
  return fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: junk, weight: 1 });
}

function validFor(s: Schema, depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => fromSchema(a, depth + 1)));
  if (s.allOf?.length) {
    const props = Object.assign({}, ...s.allOf.map((a) => a.properties ?? {}));
    return validFor({ type: 'object', properties: props }, depth);
  }
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      if (s.format && formatValues[s.format]) return formatValues[s.format];
      return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 300) });
    case 'integer':
    case 'number': {
      const min = s.minimum ?? -1e6;
      const max = s.maximum ?? 1e10;
      return fc.oneof(
        fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }),
        fc.constantFrom(min, max, min - 1, max + 1),
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema(s.items, depth + 1), {
        minLength: Math.min(s.minItems ?? 0, 5),
        maxLength: Math.min(s.maxItems ?? 5, 5),
      });
    case 'object': {
      const props = s.properties ?? {};
      const keys = Object.keys(props);
      const required = s.required ?? [];
      return fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(props[k], depth + 1)])), {
        requiredKeys: required.filter((k) => keys.includes(k)),
      });
    }
    default:
      return junk;
  }
}

interface Operation {
  method: string;
  path: string;
  params: Array<{ name: string; in: string; schema?: Schema }>;
  body?: Schema;
}

function operations(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
        ?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters as Operation['params']) ?? [],
        body: content?.['application/json']?.schema,
      });
    }
  return ops;
}

const text = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

function request(
  op: Operation,
): fc.Arbitrary<{ method: string; url: string; payload?: string; ct?: string }> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  return fc
    .record({
      path: fc.tuple(...pathParams.map((p) => fromSchema(p.schema))),
      query: fc.tuple(...queryParams.map((p) => fc.option(fromSchema(p.schema)))),
      extraQuery: fc.option(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))),
      body: op.body ? fc.option(fromSchema(op.body), { freq: 6 }) : fc.constant(null),
      rawBody: fc.option(fc.oneof(fc.string({ maxLength: 200 }), fc.constant('{"a":'), fc.constant('[]')), {
        freq: 8,
      }),
    })
    .map(({ path, query, extraQuery, body, rawBody }) => {
      let url = op.path;
      pathParams.forEach((p, i) => {
        url = url.replace(`{${p.name}}`, encodeURIComponent(text(path[i])));
      });
      const qs = new URLSearchParams();
      queryParams.forEach((p, i) => {
        if (query[i] !== null) qs.set(p.name, text(query[i]));
      });
      if (extraQuery) qs.set(extraQuery[0], extraQuery[1]);
      const q = qs.toString();
      const payload = rawBody ?? (body === null ? undefined : JSON.stringify(body));
      return {
        method: op.method,
        url: q ? `${url}?${q}` : url,
        payload,
        ct: payload === undefined ? undefined : 'application/json',
      };
    });
}

describe('REST API fuzzed from its OpenAPI document', () => {
  it('covers every documented operation', async () => {
    const doc = JSON.parse((await send('GET', '/api/v1/openapi.json')).body);
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThanOrEqual(10);
    expect(ops.map((o) => `${o.method} ${o.path}`)).toContain('POST /api/v1/announcements');
  });

  it(
    'answers every generated request below 500, with JSON, and stays up',
    async () => {
      const doc = JSON.parse((await send('GET', '/api/v1/openapi.json')).body);
      const ops = operations(doc);
      const arb = fc.constantFrom(...ops).chain(request);
      const details = await fc.check(
        fc.asyncProperty(arb, async (req) => {
          const r = await send(req.method, req.url, req.payload, req.ct ? { 'content-type': req.ct } : {});
          expect(r.statusCode, `${req.method} ${req.url} ${req.payload ?? ''} → ${r.body}`).toBeLessThan(500);
          if (r.statusCode >= 400) expect(JSON.parse(r.body)).toHaveProperty('error');
          expect((await send('GET', '/healthz')).statusCode).toBe(200);
        }),
        budget(0.3, 300),
      );
      report('REST API', details);
      if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? 'property failed');
    },
    timeoutFor(0.3),
  );
});
