// Small builders shared by the config schema pieces (config/schema.ts, policy/policy-schema.ts).
import type { TSchema } from 'typebox';
import { Type } from './schema-type.js';

export const ASN = (description: string) => Type.Integer({ minimum: 1, maximum: 0xffffffff, description });
export const U32 = (description: string) => Type.Integer({ minimum: 0, maximum: 0xffffffff, description });
/** A non-empty string (names, descriptions). */
export const Text = (description: string) => Type.String({ minLength: 1, description });
export const Opt = <T extends TSchema>(t: T) => Type.Optional(t);
/** Objects that refuse unknown keys (a typo is an error, not a silently ignored line). */
export const Closed = { additionalProperties: false } as const;
