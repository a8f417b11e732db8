// Finding and authenticating to the API server without a client library: kubeconfig files (an
// explicit one, KUBECONFIG lists merged), tokens inline or in files, CA and client certificates,
// the in-cluster service account (its token re-read, as bound tokens rotate), clear refusals; and
// list/watch over TLS with the CA verified and the client certificate presented.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from '../../src/k8s/kube-config.js';
import { ListWatch } from '../../src/k8s/list-watch.js';
import { waitUntil } from '../health/wait.js';

let dir: string;
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-kubeconfig-'));
  const openssl = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 20_000 });
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  ]);
  for (const [name, cn] of [
    ['server', 'localhost'],
    ['client', 'herald'],
  ]) {
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    ]);
    file(
      `${name}.ext`,
      name === 'server' ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n',
    );
    openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    ]);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kubeconfig = (cluster: string, user: string, extra = '') =>
  `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: { cluster: k, user: u }\nclusters:\n- name: k\n  cluster:\n${cluster}\nusers:\n- name: u\n  user:\n${user}\n${extra}`;

describe('loadKubeConfig', () => {
  it('reads server, CA (file relative to the kubeconfig, or data), token inline or from a file', () => {
    const a = loadKubeConfig(
      file(
        'a.yaml',
        kubeconfig('    server: https://127.0.0.1:6443\n    certificate-authority: ca.crt', '    token: abc'),
      ),
    );
    expect(a.server.href).toBe('https://127.0.0.1:6443/');
    expect(a.ca?.toString()).toBe(readFileSync(join(dir, 'ca.crt'), 'utf8'));
    expect(a.token()).toBe('abc');
    expect(a.insecureSkipTlsVerify).toBe(false);
    file('token', 'from-file\n');
    const data = Buffer.from('PEM').toString('base64');
    const b = loadKubeConfig(
      file(
        'b.yaml',
        kubeconfig(
          `    server: https://k:6443\n    certificate-authority-data: ${data}`,
          '    tokenFile: token',
        ),
      ),
    );
    expect(b.ca?.toString()).toBe('PEM');
    expect(b.token()).toBe('from-file');
  });

  it('KUBECONFIG lists several files, merged; --kubeconfig wins over it', () => {
    const contexts = file(
      'ctx.yaml',
      'current-context: c\ncontexts:\n- name: c\n  context: { cluster: k, user: u }\n',
    );
    const rest = file(
      'rest.yaml',
      'clusters:\n- name: k\n  cluster: { server: "http://127.0.0.1:1" }\nusers:\n- name: u\n  user: { token: t }\n',
    );
    expect(loadKubeConfig(undefined, { KUBECONFIG: `${contexts}:${rest}` }).server.port).toBe('1');
    const explicit = file('x.yaml', kubeconfig('    server: http://127.0.0.1:2', '    token: t'));
    expect(loadKubeConfig(explicit, { KUBECONFIG: `${contexts}:${rest}` }).server.port).toBe('2');
  });

  it('refuses exec plugins and missing pieces with a clear reason', () => {
    const exec = file('exec.yaml', kubeconfig('    server: https://k', '    exec: { command: aws }'));
    expect(() => loadKubeConfig(exec)).toThrow(
      'kubeconfig: user "u" uses exec, which Herald does not support',
    );
    expect(() => loadKubeConfig(file('none.yaml', 'clusters: []\n'))).toThrow(
      'kubeconfig has no current context',
    );
    expect(() => loadKubeConfig(undefined, {}, join(dir, 'nowhere'))).toThrow(/not in a cluster/);
  });

  it('in a cluster: the service account, its token re-read on every request', () => {
    const sa = mkdtempSync(join(dir, 'sa-'));
    writeFileSync(join(sa, 'token'), 'one\n');
    writeFileSync(join(sa, 'ca.crt'), 'CA');
    const t = loadKubeConfig(
      undefined,
      { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
      sa,
    );
    expect(t.server.href).toBe('https://10.96.0.1/');
    expect(t.ca?.toString()).toBe('CA');
    expect(t.token()).toBe('one');
    writeFileSync(join(sa, 'token'), 'two\n');
    expect(t.token()).toBe('two');
  });
});

describe('ListWatch over TLS', () => {
  it('verifies the server against the CA, presents the client certificate and the token', async () => {
    const seen: { cert?: string; auth?: string }[] = [];
    const server = createServer(
      {
        key: readFileSync(join(dir, 'server.key')),
        cert: readFileSync(join(dir, 'server.crt')),
        ca: readFileSync(join(dir, 'ca.crt')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
        seen.push({ cert: String(peer.subject?.CN), auth: req.headers.authorization });
        res.setHeader('content-type', 'application/json');
        if (req.url?.includes('watch=true')) {
          res.write(
            `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'b', resourceVersion: '8' } } })}\n`,
          );
          return;
        }
        res.end(
          JSON.stringify({
            metadata: { resourceVersion: '7' },
            items: [{ metadata: { name: 'a', resourceVersion: '7' } }],
          }),
        );
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const config = kubeconfig(
      `    server: https://127.0.0.1:${port}\n    certificate-authority: ca.crt`,
      '    token: secret-token\n    client-certificate: client.crt\n    client-key: client.key',
    );
    const lw = new ListWatch(loadKubeConfig(file('tls.yaml', config)), '/api/v1/nodes', () => 60);
    const errors: unknown[] = [];
    lw.on('error', (e) => errors.push(e));
    try {
      await lw.start();
      await waitUntil(() => lw.list().length === 2, 5000, 'listed and watched');
      expect(errors).toEqual([]);
      expect(lw.latestResourceVersion()).toBe('8');
      expect(seen).toEqual([
        { cert: 'herald', auth: 'Bearer secret-token' },
        { cert: 'herald', auth: 'Bearer secret-token' },
      ]);
    } finally {
      await lw.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    // A server the CA did not sign is refused.
    const wrong = kubeconfig(
      `    server: https://127.0.0.1:${port}\n    certificate-authority: client.crt`,
      '    token: t',
    );
    server.listen(port, '127.0.0.1');
    const bad = new ListWatch(loadKubeConfig(file('bad.yaml', wrong)), '/api/v1/nodes', () => 60);
    const failures: string[] = [];
    bad.on('error', (e) => failures.push((e as Error).message));
    await bad.start();
    await bad.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    expect(failures[0]).toMatch(/certificate/i);
  });
});
