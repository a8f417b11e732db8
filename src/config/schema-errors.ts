// Turns Ajv errors into "path: reason" lines a person can act on ("neighbors[2].peerAsn: must be
// an integer 1..4294967295"). Used for the config file and for REST API requests alike.
import type { ErrorObject } from 'ajv';
import { didYouMean } from '../wire/nearest.js';
import { formatProblem } from './formats.js';

type Schema = Record<string, unknown>;

/** Keywords that only say the value is of another branch's kind. */
const SHALLOW = ['type', 'const', 'enum'];

/** "/neighbors/2/peerAsn" → "neighbors[2].peerAsn" (under `root` when given). */
export function pathOf(instancePath: string, root = ''): string {
  let out = root;
  for (const part of instancePath.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out === '' ? '(top level)' : out;
}

/** What a schema accepts, as the end of "must be …". */
function expected(s: Schema): string {
  if (s.const === false) return 'false';
  if (typeof s.const === 'string') return `"${s.const}"`;
  if (Array.isArray(s.enum)) return `one of ${s.enum.join(', ')}`;
  switch (s.type) {
    case 'integer':
      return `an integer ${s.minimum ?? '…'}..${s.maximum ?? '…'}`;
    case 'number':
      return s.exclusiveMinimum !== undefined ? `a number > ${s.exclusiveMinimum}` : 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    case 'null':
      return 'null';
    default:
      return s.minLength ? 'a non-empty string' : 'a string';
  }
}

function reason(e: ErrorObject): string {
  const parent = (e.parentSchema ?? {}) as Schema;
  switch (e.keyword) {
    case 'additionalProperties': {
      const keys = Object.keys((parent.properties ?? {}) as Schema);
      const hint = didYouMean(String(e.params.additionalProperty), keys);
      return `unknown key${hint} (expected one of: ${keys.join(', ')})`;
    }
    case 'enum':
      return `must be ${expected(parent)}${typeof e.data === 'string' ? didYouMean(e.data, (parent.enum ?? []) as string[]) : ''}`;
    case 'required':
      return 'is required';
    case 'format':
      return formatProblem(String(e.params.format), String(e.data)) ?? `must be ${e.params.format}`;
    case 'minItems':
      return `must list at least ${e.params.limit}`;
    case 'maxItems':
      return `must list at most ${e.params.limit}`;
    case 'maxLength':
      return `must be at most ${e.params.limit} characters`;
    case 'anyOf':
      return `must be ${((e.schema ?? []) as Schema[]).map(expected).join(' or ')}`;
    default:
      return `must be ${expected(parent)}`;
  }
}

function where(e: ErrorObject, root: string): string {
  const p = pathOf(e.instancePath, root);
  const key =
    e.keyword === 'additionalProperties'
      ? e.params.additionalProperty
      : e.keyword === 'required'
        ? e.params.missingProperty
        : undefined;
  if (key === undefined) return p;
  return p === '(top level)' ? String(key) : `${p}.${key}`;
}

/**
 * One line per problem. For a union (anyOf), the branch that got furthest into the value speaks;
 * when no branch got past the value's type, one line lists what the union accepts.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[], root = ''): string[] {
  const drop = new Set<ErrorObject>();
  for (const union of errors.filter((e) => e.keyword === 'anyOf')) {
    const branch = errors.filter(
      (e) =>
        e !== union &&
        e.schemaPath.startsWith(`${union.schemaPath}/`) &&
        (e.instancePath === union.instancePath || e.instancePath.startsWith(`${union.instancePath}/`)),
    );
    const deeper = branch.filter(
      (e) => e.instancePath !== union.instancePath || !SHALLOW.includes(e.keyword),
    );
    for (const e of branch) if (!deeper.includes(e)) drop.add(e);
    if (deeper.length > 0) drop.add(union);
  }
  const lines = errors.filter((e) => !drop.has(e)).map((e) => `${where(e, root)}: ${reason(e)}`);
  return [...new Set(lines)];
}
