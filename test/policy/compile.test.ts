// Compiling the policy config: every problem names its path; the schema pieces validate with the
// config's own Ajv setup and formats.
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../src/config/validate.js';
import { compilePolicies, PolicyConfigSchema, PolicyError } from '../../src/policy/index.js';

function problems(config: Parameters<typeof compilePolicies>[0]): string[] {
  try {
    compilePolicies(config);
  } catch (e) {
    if (e instanceof PolicyError) return e.problems;
    throw e;
  }
  return [];
}

describe('compilePolicies', () => {
  it('names the path of a missing list, of each kind', () => {
    expect(
      problems({
        communityLists: { c: { communities: ['65000:1'] } },
        policies: {
          'import-fabric': {
            terms: [
              { action: 'accept' },
              { match: { asPathList: 'a' }, action: 'accept' },
              { match: { prefixList: 'x', communities: { list: 'nope' } }, action: 'accept' },
              { match: { nextHopPrefixList: 'y' }, set: { communities: { remove: 'z' } }, action: 'accept' },
            ],
            default: 'reject',
          },
        },
      }),
    ).toEqual([
      'policies.import-fabric.terms[1].match.asPathList: no AS-path list named "a"',
      'policies.import-fabric.terms[2].match.prefixList: no prefix list named "x"',
      'policies.import-fabric.terms[2].match.communities.list: no community list named "nope"',
      'policies.import-fabric.terms[3].match.nextHopPrefixList: no prefix list named "y"',
      'policies.import-fabric.terms[3].set.communities.remove: no community list named "z"',
    ]);
  });

  it('neighbors must name existing policies', () => {
    expect(
      problems({
        policies: { p: { default: 'accept' } },
        neighbors: [{ importPolicy: 'p' }, { importPolicy: 'p', exportPolicy: 'q' }],
      }),
    ).toEqual(['neighbors[1].exportPolicy: no policy named "q"']);
  });

  it('reports list problems, bad names, rejecting terms that set, and empty ranges, all at once', () => {
    expect(
      problems({
        prefixLists: { 'bad name': [], ok: [{ action: 'permit', prefix: '10.0.0.0/8', ge: 4 }] },
        asPathLists: { a: [{ action: 'deny', regex: '[' }] },
        policies: {
          p: {
            terms: [
              { set: { localPref: 1 }, action: 'reject' },
              { match: { med: { min: 10, max: 5 } }, action: 'accept' },
            ],
            default: 'accept',
          },
        },
      }),
    ).toEqual([
      'prefixLists["bad name"]: a name is letters, digits, ".", "_", ":" and "-", starting with a letter or digit',
      'prefixLists.ok[0].ge: must be longer than the prefix length 8 (len < ge <= le)',
      'asPathLists.a[0].regex: Invalid regular expression: /[/: Unterminated character class',
      'policies.p.terms[0].set: a term that rejects changes nothing (drop set, or use continue)',
      'policies.p.terms[1].match.med.max: must be at least min (10)',
    ]);
  });

  it('a next hop set to no host address is refused (RFC 4271 §6.3)', () => {
    expect(
      problems({
        policies: {
          p: {
            terms: [
              { set: { nextHop: '224.0.0.5' }, action: 'accept' },
              { set: { nextHop: 'ff02::1' }, action: 'accept' },
              { set: { nextHop: '192.0.2.1' }, action: 'accept' },
            ],
            default: 'accept',
          },
        },
      }),
    ).toEqual([
      'policies.p.terms[0].set.nextHop: 224.0.0.5 is a multicast address: peers would ignore the route (RFC 4271 §6.3)',
      'policies.p.terms[1].set.nextHop: ff02::1 is a multicast address: peers would ignore the route (RFC 4271 §6.3)',
    ]);
  });

  it('PolicyError lists every problem in its message', () => {
    expect(() => compilePolicies({ neighbors: [{ importPolicy: 'x' }] })).toThrow(
      'invalid policy configuration:\n  neighbors[0].importPolicy: no policy named "x"',
    );
  });

  it('an empty config compiles to empty tables', () => {
    const c = compilePolicies({});
    expect([c.policies.size, c.prefixLists.size, c.asPathLists.size, c.communityLists.size]).toEqual([
      0, 0, 0, 0,
    ]);
  });
});

describe('policy schema', () => {
  const valid = {
    prefixLists: { 'service-subnets': [{ action: 'permit', prefix: '192.168.0.0/24', ge: 32 }] },
    asPathLists: { upstream: [{ action: 'permit', regex: '^65001_' }] },
    communityLists: { blackhole: { communities: ['blackhole'], largeCommunities: ['65000:666:0'] } },
    policies: {
      'import-fabric': {
        terms: [
          {
            name: 'services',
            match: { prefixList: 'service-subnets', communities: { list: 'blackhole' } },
            set: { localPref: 200, med: '+10', nextHop: 'self', asPathPrepend: { count: 2 } },
            action: 'accept',
          },
        ],
        default: 'reject',
      },
    },
  };

  it('accepts a full example and fills the community match default', () => {
    const value = structuredClone(valid);
    expect(checkSchema(PolicyConfigSchema, value)).toEqual([]);
    expect(value.policies['import-fabric'].terms[0].match.communities).toEqual({
      list: 'blackhole',
      match: 'any',
    });
    expect(() => compilePolicies(value as Parameters<typeof compilePolicies>[0])).not.toThrow();
  });

  it('names the path and reason of schema errors, with the codec formats', () => {
    const value = structuredClone(valid) as Record<string, unknown>;
    (value.prefixLists as Record<string, unknown>)['service-subnets'] = [
      { action: 'allow', prefix: '192.168.0/24' },
    ];
    (value.policies as Record<string, Record<string, unknown>>)['import-fabric'].default = 'maybe';
    expect(checkSchema(PolicyConfigSchema, value)).toEqual([
      'prefixLists.service-subnets[0].action: must be one of permit, deny',
      'prefixLists.service-subnets[0].prefix: invalid prefix "192.168.0/24": bad address',
      'policies.import-fabric.default: must be one of accept, reject',
    ]);
  });
});
