// FRRNodeState against the fake API server, as FRR-K8s keeps it: one cluster-scoped object per
// node named after the node, status runningConfig / lastConversionResult / lastReloadResult
// written through the status subresource, only when it changed; an object FRR-K8s made for the
// node (no labels, no owner) is taken over, not duplicated; the Node is the owner of a new one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FRR_NODE_STATES, FrrNodeState } from '../../../src/k8s/frrk8s/node-state.js';
import type { KubeTarget } from '../../../src/k8s/kube-config.js';
import { FakeApiServer } from '../fake-api-server.js';

const V = 'frrk8s.metallb.io/v1beta1';
let server: FakeApiServer;
let errors: string[];
let target: KubeTarget;

type Stored = {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    ownerReferences?: unknown[];
  };
  status?: Record<string, string>;
};
const stored = () => server.all(V, 'FRRNodeState') as unknown as Stored[];
const report = (runningConfig: string, conversion = 'success') => ({
  runningConfig,
  lastConversionResult: conversion,
  lastReloadResult: 'success',
});
const writes = () => server.requests.filter((r) => r.method !== 'GET').length;

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  errors = [];
  target = server.kubeTarget();
});
afterEach(() => server.stop());

describe('FRRNodeState', () => {
  it('is one object named after the node, cluster-scoped, owned by the Node, changed in place', async () => {
    const state = new FrrNodeState(target, 'node-a', (e) => errors.push(e.message));
    state.setOwner('uid-a');
    await state.report(report('routers: []\n'));
    expect(stored()).toHaveLength(1);
    const [created] = stored();
    expect(created.metadata.name).toBe('node-a');
    expect(created.metadata.namespace).toBeUndefined();
    expect(created.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'node-a', uid: 'uid-a' },
    ]);
    expect(created.status).toEqual(report('routers: []\n'));
    expect(
      server.requests.some((r) => r.method === 'PUT' && r.path === `${FRR_NODE_STATES}/node-a/status`),
    ).toBe(true);

    const before = writes();
    await state.report(report('routers: []\n'));
    expect(writes()).toBe(before);

    await state.report(report('routers: []\n', 'failed: FRRConfiguration x/y: spec.raw: not supported'));
    expect(stored()).toHaveLength(1);
    expect(stored()[0].status?.lastConversionResult).toBe(
      'failed: FRRConfiguration x/y: spec.raw: not supported',
    );
    expect(errors).toEqual([]);
  });

  it("takes over the node's object FRR-K8s created, and leaves other nodes' alone", async () => {
    server.apply({ apiVersion: V, kind: 'FRRNodeState', metadata: { name: 'node-a' } });
    server.apply({ apiVersion: V, kind: 'FRRNodeState', metadata: { name: 'node-b' }, status: {} } as never);
    const state = new FrrNodeState(target, 'node-a', (e) => errors.push(e.message));
    await state.report(report('x: 1\n'));
    expect(stored().map((o) => [o.metadata.name, o.status?.runningConfig])).toEqual([
      ['node-a', 'x: 1\n'],
      ['node-b', undefined],
    ]);
    expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(errors).toEqual([]);
  });
});
