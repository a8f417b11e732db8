// Request validation for the REST API. Query strings and path parameters are text, so their
// numbers and lists are coerced from it (`?len=24`, `?afi=ipv4`). JSON bodies are not: a JSON body
// says what type it means, and `{"med": "5"}`, `{"med": null}` or `{"communities": "65000:1"}` are
// mistakes to report (400, with the path), not values to guess (Fastify's default would turn them
// into 5, 0 and ["65000:1"]).
import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { addFormats } from '../config/formats.js';

const OPTIONS: Options = {
  // Unknown keys are errors, not silently dropped; every problem is reported, named by path.
  removeAdditional: false,
  allErrors: true,
  verbose: true,
  strictSchema: false,
  useDefaults: true,
};

/** One Ajv for bodies (no coercion), one for the text parts of a request (coercion). */
export function requestValidators(): FastifySchemaCompiler<unknown> {
  const body = addFormats(new Ajv({ ...OPTIONS, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...OPTIONS, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object);
}
