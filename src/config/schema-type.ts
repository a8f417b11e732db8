// TypeBox's builders — the ones Herald's schemas use — producing the same JSON Schema objects, so the
// daemon does not load TypeBox itself at run time: its ~370 modules cost ~3 MB of heap and ~8 MB of
// resident memory (issue 19). The types are TypeBox's, so `Static<>` and Fastify's type provider
// infer as before; test/config/schema-type.test.ts checks every schema against TypeBox's output.
import type TypeBox from 'typebox';

type Builders = Pick<
  typeof TypeBox,
  | 'Array'
  | 'Boolean'
  | 'Enum'
  | 'Integer'
  | 'Intersect'
  | 'Literal'
  | 'Null'
  | 'Number'
  | 'Object'
  | 'Optional'
  | 'Record'
  | 'String'
  | 'Union'
>;
type Schema = Record<string, unknown>;
type Options = Record<string, unknown>;

/** Schemas marked by Optional(): an object leaves them out of `required`. */
const optional = new WeakSet<Schema>();

const primitive =
  (type: string) =>
  (options?: Options): Schema => ({ type, ...options });

const builders = {
  Boolean: primitive('boolean'),
  Integer: primitive('integer'),
  Null: primitive('null'),
  Number: primitive('number'),
  String: primitive('string'),
  Literal: (value: string | number | boolean, options?: Options): Schema => ({
    type: typeof value,
    const: value,
    ...options,
  }),
  Enum: (values: readonly unknown[], options?: Options): Schema => {
    if (!Array.isArray(values)) throw new TypeError('Type.Enum: only an array of values is supported');
    return { enum: values, ...options };
  },
  Array: (items: Schema, options?: Options): Schema => ({ type: 'array', items, ...options }),
  Union: (anyOf: Schema[], options?: Options): Schema => ({ anyOf, ...options }),
  Intersect: (allOf: Schema[], options?: Options): Schema => ({ allOf, ...options }),
  Record: (key: Schema, value: Schema, options?: Options): Schema => {
    if (key.type !== 'string' || Object.keys(key).length !== 1)
      throw new TypeError('Type.Record: only Type.String() keys are supported');
    return { type: 'object', patternProperties: { '^.*$': value }, ...options };
  },
  Object: (properties: Record<string, Schema>, options?: Options): Schema => {
    const required = Object.keys(properties).filter((k) => !optional.has(properties[k]));
    return { type: 'object', ...(required.length > 0 && { required }), properties, ...options };
  },
  Optional: (schema: Schema): Schema => {
    const copy = { ...schema };
    optional.add(copy);
    return copy;
  },
};

export const Type = builders as unknown as Builders;
