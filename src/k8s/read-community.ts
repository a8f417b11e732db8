// Reads a Community (metallb.io/v1beta1): `spec.communities` is a list of `{name, value}`
// aliases whose values are "a:b" or "large:a:b:c". Throws ResourceError. Pure.
import { parseCommunityValue } from './community.js';
import { Fields } from './fields.js';
import type { CommunityAliases } from './metallb-types.js';

export function readCommunity(raw: unknown): CommunityAliases {
  const { root, meta } = Fields.of('Community', raw);
  const aliases = root
    .object('spec')
    .objectArray('communities')
    .map((c) => {
      const name = c.requiredString('name');
      const text = c.requiredString('value');
      const value = parseCommunityValue(text);
      if (value === 'notACommunity') return c.fail('value', `must be "a:b" or "large:a:b:c", got "${text}"`);
      if (typeof value === 'string') return c.fail('value', value);
      return { name, value };
    });
  return { name: meta.name, namespace: meta.namespace, labels: meta.labels, aliases };
}
