// What a neighbor's session writes to the log (issue 22): a neighbor that cannot be reached says why
// at info once, not on every retry, and again once it failed in a new way or after a session came up;
// both sides dialling at once (Cease/Connection Collision Resolution) is normal and stays at debug.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { logPeerEvents } from '../../src/daemon/peer-log.js';
import { createLogger } from '../../src/log/logger.js';
import type { Peer } from '../../src/session/peer.js';
import { CeaseSubcode, cease } from '../../src/wire/index.js';

/** A peer stand-in that emits what a test says, and the level and event of each log line. */
function setup() {
  const lines: { level: number; event: string; reason?: string }[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  const peer = new EventEmitter();
  logPeerEvents(peer as unknown as Peer, createLogger('debug', { format: 'json', destination }));
  return { peer, lines };
}

const INFO = 30;
const DEBUG = 20;
const WARN = 40;

describe('peer log', () => {
  it('logs a connect failure at info once while it repeats, again when it changes or after a session', () => {
    const { peer, lines } = setup();
    for (const reason of [
      'connect: ECONNREFUSED',
      'connect: ECONNREFUSED',
      'connect: ECONNREFUSED',
      'connect: EHOSTUNREACH',
      'connect: EHOSTUNREACH',
    ])
      peer.emit('connectFailed', reason, false);
    peer.emit('sessionUp', { peerAsn: 65001, holdTime: 90, ibgp: false });
    peer.emit('connectFailed', 'connect: EHOSTUNREACH', false);
    const failures = lines.filter((l) => l.event === 'connectFailed').map((l) => [l.level, l.reason]);
    expect(failures).toEqual([
      [INFO, 'connect: ECONNREFUSED'],
      [DEBUG, 'connect: ECONNREFUSED'],
      [DEBUG, 'connect: ECONNREFUSED'],
      [INFO, 'connect: EHOSTUNREACH'],
      [DEBUG, 'connect: EHOSTUNREACH'],
      [INFO, 'connect: EHOSTUNREACH'],
    ]);
  });

  it('logs a connection collision NOTIFICATION at debug, any other at warn', () => {
    const { peer, lines } = setup();
    peer.emit('notificationSent', cease(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION));
    peer.emit('notificationReceived', cease(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION));
    peer.emit('notificationReceived', cease(CeaseSubcode.ADMINISTRATIVE_RESET));
    expect(lines.map((l) => [l.event, l.level])).toEqual([
      ['notificationSent', DEBUG],
      ['notificationReceived', DEBUG],
      ['notificationReceived', WARN],
    ]);
  });
});

describe('malformed UPDATEs in the log', () => {
  it('at most 10 a minute per neighbor with the whole message; then one line, and the count after', () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    try {
      const { peer, lines } = setup();
      const errors = [{ type: 8, outcome: 'treat-as-withdraw', reason: 'COMMUNITIES length 6' }];
      for (let i = 0; i < 25; i++) peer.emit('treatAsWithdraw', errors, Buffer.alloc(4000, i));
      const logged = lines as unknown as Array<{
        event: string;
        update?: string;
        notLoggedBefore?: number;
        msg: string;
      }>;
      expect(logged.filter((l) => l.update !== undefined)).toHaveLength(10);
      expect(logged).toHaveLength(11);
      expect(logged[10]).toMatchObject({
        event: 'updateTreatAsWithdraw',
        msg: expect.stringContaining('more than 10'),
      });
      expect(logged[10].update).toBeUndefined();
      vi.setSystemTime(1_000_000 + 60_000);
      peer.emit('treatAsWithdraw', errors, Buffer.alloc(10, 1));
      expect(logged[11]).toMatchObject({ update: '01'.repeat(10), notLoggedBefore: 15 });
    } finally {
      vi.useRealTimers();
    }
  });
});
