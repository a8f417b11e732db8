// Herald's stand-in for TypeBox's builders (src/config/schema-type.ts) must build exactly what
// TypeBox builds: every schema module and the API's OpenAPI document are produced once with it and
// once with TypeBox in its place, and compared as JSON text (key order included).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

async function everySchema(): Promise<string> {
  const modules = await Promise.all([
    import('../../src/config/schema.js'),
    import('../../src/config/bfd-schema.js'),
    import('../../src/policy/policy-schema.js'),
    import('../../src/api/schemas.js'),
    import('../../src/api/prefix-route.js'),
    import('../../src/api/policy-test.js'),
    import('../../src/api/services.js'),
    import('../../src/api/frrk8s.js'),
    import('../../src/api/bfd.js'),
  ]);
  const { buildApi } = await import('../../src/api/server.js');
  const { parseConfig } = await import('../../src/config/load-config.js');
  const { Daemon } = await import('../../src/daemon/daemon.js');
  const { createLogger } = await import('../../src/log/logger.js');
  const config = parseConfig('asn: 64512\nrouterId: 192.0.2.1\nlisten: false\n');
  const app = buildApi(new Daemon({ config, log: createLogger('silent') }));
  await app.ready();
  const openapi = app.swagger();
  await app.close();
  return JSON.stringify({ modules, openapi });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('TypeBox stand-in', () => {
  it('builds the same config schema, API schemas and OpenAPI document as TypeBox', async () => {
    vi.resetModules();
    const ours = await everySchema();
    vi.resetModules();
    vi.doMock('../../src/config/schema-type.js', async () => ({ Type: (await import('typebox')).default }));
    const typebox = await everySchema();
    vi.doUnmock('../../src/config/schema-type.js');
    expect(ours.length).toBeGreaterThan(10_000);
    expect(ours).toBe(typebox);
  }, 60_000);

  it('leaves optional properties out of required, as TypeBox does', async () => {
    const { Type } = await import('../../src/config/schema-type.js');
    const schema = Type.Object({ a: Type.Optional(Type.String()), b: Type.Integer() });
    expect(JSON.stringify(schema)).toBe(
      '{"type":"object","required":["b"],"properties":{"a":{"type":"string"},"b":{"type":"integer"}}}',
    );
  });

  it('is the only way src/ builds schemas: TypeBox itself is imported for its types alone', () => {
    const offenders = sourceFiles(SRC).filter((f) =>
      /^import (?!type )[^;]*from 'typebox(\/[^']*)?';/m.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
