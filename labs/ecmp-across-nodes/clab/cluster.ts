// The fake API server of the containerlab variant (labs/clab/api.Dockerfile runs it): the same
// MetalLB resources, nodes and services as lab.ts starts with, served on HOST:PORT.
//   npx tsx labs/ecmp-across-nodes/clab/cluster.ts 0.0.0.0 6443
import { FakeApiServer } from '../../../test/k8s/fake-api-server.js';
import { advertisement, bfdProfile, node, peer, pool, service, slice } from '../../../test/k8s/resources.js';

const [host = '0.0.0.0', port = '6443'] = process.argv.slice(2);
const api = new FakeApiServer();
await api.start(Number(port), host);
for (const o of [
  pool('services', { addresses: ['203.0.113.0/24'] }),
  advertisement('ecmp', {}),
  bfdProfile('fast', { receiveInterval: 200, transmitInterval: 200, detectMultiplier: 3 }),
  peer('leaf', {
    myASN: 65201,
    peerASN: 65320,
    peerAddress: '198.18.77.254',
    holdTime: '9s',
    connectTime: '1s',
    bfdProfile: 'fast',
  }),
  ...[1, 2, 3].map((i) => node(`node-${i}`, { address: `198.18.77.${i}` })),
  service('web', { ips: ['203.0.113.10'] }),
  slice('web', [{ node: 'node-1' }]),
  service('shop', { ips: ['203.0.113.11'] }),
  slice('shop', [{ node: 'node-3' }]),
])
  api.apply(o);
process.stdout.write(`fake API server on ${api.url}\n`);
