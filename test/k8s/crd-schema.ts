// CustomResourceDefinition schemas in tests: what makes an openAPIV3Schema "structural" (the rules
// the API server enforces on apiextensions.k8s.io/v1 CRDs), and the same schema as a JSON Schema
// for Ajv, so resources can be validated as the API server would validate them.
import { Ajv, type ValidateFunction } from 'ajv';

export interface CrdSchema {
  [keyword: string]: unknown;
  type?: string;
  properties?: Record<string, CrdSchema>;
  items?: CrdSchema;
  additionalProperties?: CrdSchema | boolean;
  required?: string[];
}

// The OpenAPI v3 keywords a CRD schema may use ($ref, allOf's siblings and the like are refused by
// the API server), plus the Kubernetes extensions.
const KEYWORDS = new Set([
  'type',
  'description',
  'properties',
  'items',
  'required',
  'additionalProperties',
  'enum',
  'format',
  'default',
  'nullable',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minLength',
  'maxLength',
  'pattern',
  'minProperties',
  'maxProperties',
  'x-kubernetes-validations',
  'x-kubernetes-map-type',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
]);

/**
 * Why `schema` (a version's openAPIV3Schema) is not structural, one line per problem, each with its
 * path: a node without a type, a keyword outside the OpenAPI subset, an object with neither
 * properties nor additionalProperties (or both), an array without items, a required field that is
 * not a property. The root's `metadata` is the one object allowed to be bare.
 */
export function structuralProblems(schema: CrdSchema): string[] {
  const problems: string[] = [];
  const walk = (node: CrdSchema, path: string): void => {
    const at = path || '(root)';
    for (const k of Object.keys(node)) if (!KEYWORDS.has(k)) problems.push(`${at}: unknown keyword ${k}`);
    if (typeof node.type !== 'string') problems.push(`${at}: no type`);
    if (node.type === 'object') {
      const props = node.properties !== undefined;
      const extra = node.additionalProperties !== undefined;
      if (props && extra) problems.push(`${at}: both properties and additionalProperties`);
      if (!props && !extra && path !== 'metadata') problems.push(`${at}: object without properties`);
    }
    if (node.type === 'array' && node.items === undefined) problems.push(`${at}: array without items`);
    for (const r of node.required ?? []) {
      if (!node.properties?.[r]) problems.push(`${at}: required ${r} is not a property`);
    }
    for (const [name, child] of Object.entries(node.properties ?? {}))
      walk(child, path ? `${path}.${name}` : name);
    if (node.items) walk(node.items, `${path}[]`);
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}{}`);
  };
  walk(schema, '');
  return problems;
}

/** Every node of `schema` with its path (properties, items, additionalProperties). */
export function schemaNodes(schema: CrdSchema, path = ''): [string, CrdSchema][] {
  return [
    [path, schema],
    ...Object.entries(schema.properties ?? {}).flatMap(([k, v]) => schemaNodes(v, path ? `${path}.${k}` : k)),
    ...(schema.items ? schemaNodes(schema.items, `${path}[]`) : []),
    ...(typeof schema.additionalProperties === 'object'
      ? schemaNodes(schema.additionalProperties, `${path}{}`)
      : []),
  ];
}

/**
 * The schema as Ajv reads it: the x-kubernetes-* keys dropped (their CEL rules are not checked
 * here), and every object with properties closed to other fields, as kubectl's default strict field
 * validation makes the API server refuse unknown fields instead of pruning them.
 */
export function toJsonSchema(schema: CrdSchema): CrdSchema {
  const out: CrdSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-kubernetes-')) continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(v as Record<string, CrdSchema>).map(([name, child]) => [name, toJsonSchema(child)]),
      );
    } else if ((k === 'items' || k === 'additionalProperties') && typeof v === 'object') {
      out[k] = toJsonSchema(v as CrdSchema);
    } else {
      out[k] = v;
    }
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** An Ajv for CRD schemas: int32/int64 are accepted as the API server does (it checks no integer format). */
export function crdAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  for (const f of ['int32', 'int64']) ajv.addFormat(f, { type: 'number', validate: () => true });
  return ajv;
}

/** Ajv's errors as "path: message" lines. */
export function errorLines(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}
