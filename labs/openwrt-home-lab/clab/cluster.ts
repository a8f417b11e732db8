// The fake API server of the containerlab variant (the labs/clab/api.Dockerfile image, its command
// set by openwrt-home-lab.clab.yml): the seed's ConfigMap converted by the code behind
// `herald import-metallb` (the image has no built CLI), plus the seed's Nodes, EndpointSlices and
// Services without status, for the nodes' allocator to fill in.
//   npx tsx labs/openwrt-home-lab/clab/cluster.ts 0.0.0.0 6443
import { readFileSync } from 'node:fs';
import { importMetalLb } from '../../../src/cli/import-metallb.js';
import { FakeApiServer } from '../../../test/k8s/fake-api-server.js';
import { documents, SEED_CONFIGMAP, seedClusterObjects } from '../cluster.js';

const [host = '0.0.0.0', port = '6443'] = process.argv.slice(2);
const api = new FakeApiServer();
await api.start(Number(port), host);
const { yaml } = importMetalLb(readFileSync(SEED_CONFIGMAP, 'utf8'));
for (const o of [...documents(yaml), ...seedClusterObjects()]) api.apply(o);
process.stdout.write(`fake API server on ${api.url}\n`);
