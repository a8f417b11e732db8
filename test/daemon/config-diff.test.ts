// What a reload changes: neighbors added, removed, reset (session keys) or updated in place.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { diffConfig } from '../../src/daemon/config-diff.js';

const base =
  'asn: 65000\nrouterId: 192.0.2.1\nneighbors:\n' +
  '  - { address: 10.0.0.1, peerAsn: 65001 }\n  - { address: 10.0.0.2, peerAsn: 65002 }\n';

function diff(next: string) {
  return diffConfig(parseConfig(base), parseConfig(next));
}

describe('diffConfig', () => {
  it('finds nothing to do in the same config', () => {
    expect(diff(base)).toEqual({
      added: [],
      removed: [],
      changed: [],
      identityChanged: false,
      listenChanged: false,
      dynamicNeighborsChanged: false,
      needsRestart: [],
      settingsChanged: [],
    });
  });

  it('names the other settings that changed, a rotated token by its name only', () => {
    const withApi = (token: string, extra = '') =>
      `asn: 65000\nrouterId: 192.0.2.1\napi: { token: ${token} }\n${extra}neighbors:\n  - { address: 10.0.0.1, peerAsn: 65001 }\n`;
    const d = diffConfig(
      parseConfig(withApi('old-secret')),
      parseConfig(withApi('new-secret', 'maximumPaths: 4\nlog: { level: debug }\n')),
    );
    expect(d.settingsChanged.sort()).toEqual(['api.token', 'log.level', 'maximumPaths']);
    expect(JSON.stringify(d)).not.toContain('secret');
  });

  it('adds and removes neighbors by address (whatever the spelling of the address)', () => {
    const d = diff(
      'asn: 65000\nrouterId: 192.0.2.1\nneighbors:\n' +
        '  - { address: 10.0.0.1, peerAsn: 65001 }\n  - { address: "2001:db8:0::1", peerAsn: 65003 }\n',
    );
    expect(d.added.map((n) => n.address)).toEqual(['2001:db8::1']);
    expect(d.removed).toEqual(['10.0.0.2']);
    expect(d.changed).toEqual([]);
  });

  it('resets a neighbor whose session keys changed; description and timers apply in place', () => {
    const d = diff(
      'asn: 65000\nrouterId: 192.0.2.1\nneighbors:\n' +
        '  - { address: 10.0.0.1, peerAsn: 65001, description: core, connectRetry: 9 }\n' +
        '  - { address: 10.0.0.2, peerAsn: 65002, password: k }\n',
    );
    expect(d.changed.map(({ address, keys, reset }) => ({ address, keys, reset }))).toEqual([
      { address: '10.0.0.1', keys: ['connectRetry', 'description'], reset: false },
      { address: '10.0.0.2', keys: ['password'], reset: true },
    ]);
  });

  it('resets every neighbor when the local ASN or router id changes', () => {
    const d = diff(base.replace('routerId: 192.0.2.1', 'routerId: 192.0.2.9'));
    expect(d.identityChanged).toBe(true);
    expect(d.changed.map((c) => [c.address, c.reset])).toEqual([
      ['10.0.0.1', true],
      ['10.0.0.2', true],
    ]);
  });

  it('flags the listener, dynamic neighbors, and what needs a restart', () => {
    const d = diff(
      `${base}listen: { port: 1179 }\napi: { listen: "127.0.0.1:9999" }\nlog: { level: debug }\n` +
        'dynamicNeighbors:\n  - { range: 10.1.0.0/16, peerAsn: 65010 }\nstateDir: /var/lib/herald\n',
    );
    expect(d).toMatchObject({
      listenChanged: true,
      dynamicNeighborsChanged: true,
      needsRestart: ['api.listen', 'stateDir'],
    });
  });
});
