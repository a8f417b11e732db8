// The runningConfig FRRNodeState carries: the merged configuration as YAML, readable and parsable
// back, per router its neighbors with what they advertise and accept and which sources made
// them, passwords retracted (as FRR-K8s cleans them), the always-block CIDRs; results as FRR-K8s
// words them ("success", "failed: ...").
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeSources } from '../../../src/k8s/frrk8s/merge.js';
import { resultText, runningConfig } from '../../../src/k8s/frrk8s/running-config.js';
import { source } from './frr-source.js';

const A = source(
  'a',
  `
bgp:
  routers:
  - asn: 64512
    id: 192.0.2.254
    prefixes: [192.0.2.0/24]
    neighbors:
    - address: 172.18.0.5
      asn: 64513
      password: s3cret-value
      holdTime: 90s
      keepaliveTime: 30s
      toAdvertise:
        allowed: {mode: all}
        withLocalPref: [{localPref: 200, prefixes: [192.0.2.0/24]}]
        withCommunity: [{community: "10:1", prefixes: [192.0.2.0/24]}]
      toReceive: {allowed: {prefixes: [{prefix: 10.0.0.0/8, le: 24}]}}
`,
);
const B = source(
  'b',
  `
bgp:
  routers:
  - asn: 64512
    vrf: red
    neighbors:
    - address: 172.19.0.5
      asn: 64600
      toReceive: {allowed: {mode: all}}
`,
);

describe('runningConfig', () => {
  it('renders each router with its neighbors, never a password', () => {
    const text = runningConfig(mergeSources([A, B]), ['10.244.0.0/16', 'fd00:10:244::/56']);
    expect(text).not.toContain('s3cret-value');
    expect(parse(text)).toEqual({
      routers: [
        {
          asn: 64512,
          id: '192.0.2.254',
          vrf: '',
          prefixes: ['192.0.2.0/24'],
          neighbors: [
            {
              address: '172.18.0.5',
              asn: 64513,
              port: 179,
              password: '<retracted>',
              holdTime: '90s',
              keepaliveTime: '30s',
              toAdvertise: [{ prefix: '192.0.2.0/24', localPref: 200, communities: ['10:1'] }],
              toReceive: [{ prefix: '10.0.0.0/8', le: 24 }],
              sources: ['FRRConfiguration frr-k8s-system/a'],
            },
          ],
          sources: ['FRRConfiguration frr-k8s-system/a'],
        },
        {
          asn: 64512,
          vrf: 'red',
          prefixes: [],
          neighbors: [
            {
              address: '172.19.0.5',
              asn: 64600,
              port: 179,
              toAdvertise: [],
              toReceive: 'all',
              sources: ['FRRConfiguration frr-k8s-system/b'],
            },
          ],
          sources: ['FRRConfiguration frr-k8s-system/b'],
        },
      ],
      alwaysBlock: ['10.244.0.0/16', 'fd00:10:244::/56'],
    });
  });

  it('says "success" or "failed: " with one reason per line', () => {
    expect(resultText([])).toBe('success');
    expect(resultText(['a: x', 'b: y'])).toBe('failed: a: x\nb: y');
  });
});
