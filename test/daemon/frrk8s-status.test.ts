// What FRRNodeState says of a merged plan, and which sources get a ConfigurationRejected Event:
// FRRConfigurations that could not be read (spec.raw, an invalid field) and sources left out of the
// merge are the conversion's failures (FRR-K8s: lastConversionResult), problems running the merged
// result are the reload's; the MetalLB resources' own problems are neither.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planFrrK8s } from '../../src/daemon/frrk8s-plan.js';
import { nodeStateOf, rejectedSources } from '../../src/daemon/frrk8s-status.js';
import type { MergeSource } from '../../src/k8s/frrk8s/merge.js';
import type { ResourceProblem } from '../../src/k8s/index.js';
import { source } from '../k8s/frrk8s/frr-source.js';

const neighbor = '{address: 172.18.0.5, asn: 64513, toAdvertise: {allowed: {mode: all}}}';
const A = source('a', `bgp: {routers: [{asn: 64512, prefixes: [192.0.2.0/24], neighbors: [${neighbor}]}]}`);
const CONFLICT = source('c', `bgp: {routers: [{asn: 64999, neighbors: [${neighbor}]}]}`);
const RAW: ResourceProblem = {
  resource: 'FRRConfiguration frr-k8s-system/raw',
  field: 'spec.raw',
  message: 'FRRConfiguration frr-k8s-system/raw: spec.raw: raw FRR configuration is not supported by Herald',
};
const METALLB: ResourceProblem = {
  resource: 'BGPPeer metallb-system/tor',
  field: 'spec.holdTime',
  message: 'BGPPeer metallb-system/tor: spec.holdTime: must be 0 or at least 3s',
};
const config = { asn: 64512, neighbors: [] };
const plan = (sources: MergeSource[]) =>
  planFrrK8s({ sessions: [], announcements: [], frrSources: sources }, config, '192.0.2.1');

describe('FRRNodeState of a plan', () => {
  it('is success twice, and the running config, when every source merged and runs', () => {
    const s = nodeStateOf(plan([A]), [METALLB], []);
    expect(s.lastConversionResult).toBe('success');
    expect(s.lastReloadResult).toBe('success');
    expect(parse(s.runningConfig).routers[0].neighbors[0].address).toBe('172.18.0.5');
    expect(rejectedSources(plan([A]), [METALLB])).toEqual([]);
  });

  it('names unreadable and conflicting configurations in the conversion result, each once', () => {
    const p = plan([A, CONFLICT]);
    const rejected = rejectedSources(p, [RAW, METALLB]);
    expect(rejected.map((r) => r.source)).toEqual([
      'FRRConfiguration frr-k8s-system/raw',
      'FRRConfiguration frr-k8s-system/c',
    ]);
    expect(rejected[1].reason).toBe(
      'FRRConfiguration frr-k8s-system/c: router ASN in the default VRF: 64999 here, 64512 in config file, FRRConfiguration frr-k8s-system/a; left out',
    );
    const s = nodeStateOf(p, [RAW, METALLB], []);
    expect(s.lastConversionResult).toBe(`failed: ${RAW.message}\n${rejected[1].reason}`);
    expect(s.lastReloadResult).toBe('success');
    // What runs is the valid part: the conflicting source contributed nothing.
    expect(parse(s.runningConfig).routers[0].sources).toEqual([
      'config file',
      'FRRConfiguration frr-k8s-system/a',
    ]);
  });

  it('puts what the merged result could not run as written in the reload result', () => {
    const unnumbered = source(
      'u',
      'bgp: {routers: [{asn: 64512, neighbors: [{interface: eth1, asn: 64513, ebgpMultiHop: true}]}]}',
    );
    const s = nodeStateOf(plan([unnumbered]), [], []);
    expect(s.lastConversionResult).toBe('success');
    expect(s.lastReloadResult).toMatch(/^failed: .*ebgpMultihop: does not apply to an interface neighbor/);
  });

  it("runs a router's own id and a VRF router's own ASN on its neighbors", () => {
    const withId = source('id', `bgp: {routers: [{asn: 64512, id: 192.0.2.254, neighbors: [${neighbor}]}]}`);
    const inVrf = source(
      'vrf',
      'bgp: {routers: [{asn: 64700, vrf: red, neighbors: [{address: 172.18.1.5, asn: 64513}]}]}',
    );
    const p = plan([withId, inVrf]);
    expect(nodeStateOf(p, [], []).lastReloadResult).toBe('success');
    expect(p.neighbors.map((n) => [n.address, n.routerId, n.localAsn, n.vrf])).toEqual([
      ['172.18.0.5', '192.0.2.254', undefined, undefined],
      ['172.18.1.5', undefined, 64700, 'red'],
    ]);
  });
});
