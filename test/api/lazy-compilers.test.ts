// Route schemas compile on first use (src/api/lazy-compilers.ts): nothing is compiled before a
// request needs it, a validator still hands Fastify Ajv's errors, and — since a broken schema would
// now only show on its route's first request — every route's schemas are compiled here.
import type { RouteOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { fastifySerializers, lazySerializers, lazyValidators } from '../../src/api/lazy-compilers.js';
import { buildApi } from '../../src/api/server.js';
import { requestValidators } from '../../src/api/validators.js';
import { parseConfig } from '../../src/config/load-config.js';
import { Type } from '../../src/config/schema-type.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/log/logger.js';

const route = { method: 'POST', url: '/x', httpPart: 'body' };

describe('lazy schema compilers', () => {
  it('compiles a validator on its first call, once, and passes on its errors', () => {
    const compiled: unknown[] = [];
    const compile = requestValidators();
    const validators = lazyValidators((r) => {
      compiled.push(r.schema);
      return compile(r);
    });
    const schema = Type.Object({ med: Type.Integer() }, { additionalProperties: false });
    const validate = validators({ ...route, schema }) as ((d: unknown) => boolean) & { errors?: unknown[] };
    expect(compiled).toEqual([]);
    expect(validate({ med: 'five' })).toBe(false);
    expect(validate.errors).toEqual([expect.objectContaining({ instancePath: '/med', keyword: 'type' })]);
    expect(validate({ med: 5 })).toBe(true);
    expect(validate.errors).toBeNull();
    expect(compiled).toEqual([schema]);
  });

  it('compiles a serializer on its first call, with Fastify’s own compiler', () => {
    let compiles = 0;
    const serializers = fastifySerializers()({}, undefined);
    const lazy = lazySerializers((r: Parameters<typeof serializers>[0]) => {
      compiles++;
      return serializers(r);
    });
    const serialize = lazy({
      method: 'GET',
      url: '/x',
      httpStatus: '200',
      schema: Type.Object({ a: Type.Integer() }),
    });
    expect(compiles).toBe(0);
    // The response schema decides what is sent: unknown keys are left out.
    expect(serialize({ a: 1, secret: 'x' })).toBe('{"a":1}');
    expect(serialize({ a: 2 })).toBe('{"a":2}');
    expect(compiles).toBe(1);
  });

  it('every route’s request and response schemas compile', async () => {
    const config = parseConfig('asn: 64512\nrouterId: 192.0.2.1\nlisten: false\n');
    const app = buildApi(new Daemon({ config, log: createLogger('silent') }));
    const routes: RouteOptions[] = [];
    app.addHook('onRoute', (r) => {
      routes.push(r as RouteOptions);
    });
    await app.ready();
    await app.close();
    const validators = requestValidators();
    const serializers = fastifySerializers()({}, undefined);
    const failures: string[] = [];
    let compiled = 0;
    for (const { method, url, schema } of routes) {
      if (!schema) continue;
      const where = `${method} ${url}`;
      for (const httpPart of ['body', 'querystring', 'params', 'headers'] as const) {
        const part = schema[httpPart];
        if (part === undefined) continue;
        try {
          validators({ schema: part, httpPart, method: String(method), url });
          compiled++;
        } catch (e) {
          failures.push(`${where} ${httpPart}: ${(e as Error).message}`);
        }
      }
      for (const [httpStatus, response] of Object.entries(
        (schema.response ?? {}) as Record<string, object>,
      )) {
        try {
          serializers({ schema: response, method: String(method), url, httpStatus });
          compiled++;
        } catch (e) {
          failures.push(`${where} ${httpStatus}: ${(e as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(compiled).toBeGreaterThan(40);
  });
});
