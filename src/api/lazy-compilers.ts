// Route schemas compiled on a route's first request instead of at start. Fastify compiles every
// route's request validators (Ajv) and response serializers (fast-json-stringify) when the server
// gets ready; an idle daemon keeps ~2 MB of that generated code for routes nobody calls (issue 19).
// A schema that does not compile now fails on its route's first request, not at start:
// test/api/lazy-compilers.test.ts compiles every route's schemas eagerly to catch that in CI.
import { createRequire } from 'node:module';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';

type SerializerFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>['buildSerializer'] &
  object;
type Serialize = (data: unknown) => string;
type Validate = ReturnType<FastifySchemaCompiler<unknown>>;

/** A compiler whose validators compile on their first call, passing Ajv's `errors` on to Fastify. */
export function lazyValidators(compile: FastifySchemaCompiler<unknown>): FastifySchemaCompiler<unknown> {
  return (route) => {
    let validate: Validate | undefined;
    const first: Validate = (data: unknown) => {
      validate ??= compile(route);
      const result = validate(data);
      first.errors = validate.errors;
      return result;
    };
    return first;
  };
}

/** A compiler whose serializers compile on their first call. */
export function lazySerializers<Route>(compile: (route: Route) => Serialize): (route: Route) => Serialize {
  return (route) => {
    let serialize: Serialize | undefined;
    return (data) => {
      serialize ??= compile(route);
      return serialize(data);
    };
  };
}

/** Fastify's own serializer factory (a dependency of Fastify's, resolved from Fastify's directory). */
export function fastifySerializers(): SerializerFactory {
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  return (fromFastify('@fastify/fast-json-stringify-compiler') as () => SerializerFactory)();
}
