// sd_notify over a real AF_UNIX datagram socket: a receiver bound with libc (koffi) at a path and in
// the abstract namespace gets exactly the datagram notifySystemd sends.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Koffi from 'koffi';
import { afterAll, describe, expect, it } from 'vitest';
import { AF_UNIX, notifySystemd, reloadingState, sockaddrUn } from '../../src/daemon/systemd-notify.js';

const koffi = createRequire(import.meta.url)('koffi') as typeof Koffi;
const lib = koffi.load('libc.so.6');
const socket = lib.func('int socket(int domain, int type, int protocol)');
const bind = lib.func('int bind(int fd, const void *addr, uint32_t len)');
const recv = lib.func('intptr_t recv(int fd, _Out_ void *buf, uintptr_t len, int flags)');
const close = lib.func('int close(int fd)');
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_DONTWAIT = 0x40;

/** A bound datagram socket and a bounded wait for its next datagram. */
function receiver(name: string) {
  const fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) as number;
  expect(fd).toBeGreaterThanOrEqual(0);
  const sa = sockaddrUn(name)!;
  expect(bind(fd, sa.addr, sa.length)).toBe(0);
  return {
    async next(timeoutMs = 2000): Promise<string | undefined> {
      const buf = Buffer.alloc(4096);
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const n = Number(recv(fd, buf, buf.length, MSG_DONTWAIT));
        if (n >= 0) return buf.toString('utf8', 0, n);
        await new Promise((r) => setTimeout(r, 5));
      }
      return undefined;
    },
    close: () => close(fd),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'herald-notify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('notifySystemd', () => {
  it('sends READY=1 to a socket path', async () => {
    const path = join(dir, 'notify.sock');
    const r = receiver(path);
    try {
      expect(notifySystemd('READY=1', path)).toBe(true);
      expect(await r.next()).toBe('READY=1');
    } finally {
      r.close();
    }
  });

  it('sends to an abstract socket (@name) and reads $NOTIFY_SOCKET by default', async () => {
    const name = `@herald-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const r = receiver(name);
    const saved = process.env.NOTIFY_SOCKET;
    process.env.NOTIFY_SOCKET = name;
    try {
      expect(notifySystemd('STATUS=3 sessions up\nSTOPPING=1')).toBe(true);
      expect(await r.next()).toBe('STATUS=3 sessions up\nSTOPPING=1');
      const reloading = reloadingState();
      expect(reloading).toMatch(/^RELOADING=1\nMONOTONIC_USEC=\d+$/);
      expect(notifySystemd(reloading)).toBe(true);
      expect(await r.next()).toBe(reloading);
    } finally {
      if (saved === undefined) delete process.env.NOTIFY_SOCKET;
      else process.env.NOTIFY_SOCKET = saved;
      r.close();
    }
  });

  it('returns false, without throwing, when there is no socket to send to', () => {
    const saved = process.env.NOTIFY_SOCKET;
    delete process.env.NOTIFY_SOCKET;
    try {
      expect(notifySystemd('READY=1')).toBe(false);
    } finally {
      if (saved !== undefined) process.env.NOTIFY_SOCKET = saved;
    }
    expect(notifySystemd('READY=1', join(dir, 'missing.sock'))).toBe(false);
    expect(notifySystemd('READY=1', 'relative/notify.sock')).toBe(false);
    expect(notifySystemd('READY=1', `/${'x'.repeat(200)}`)).toBe(false);
    expect(notifySystemd('READY=1', '@')).toBe(false);
    expect(notifySystemd('READY=1', 'vsock:2:1234')).toBe(false);
  });
});

describe('sockaddrUn', () => {
  it('encodes paths with their NUL and abstract names without one', () => {
    const p = sockaddrUn('/run/systemd/notify')!;
    expect(p.length).toBe(2 + 19 + 1);
    expect(p.addr.readUInt16LE(0)).toBe(AF_UNIX);
    expect(p.addr.toString('utf8', 2, 21)).toBe('/run/systemd/notify');
    expect(p.addr[21]).toBe(0);
    const a = sockaddrUn('@abc')!;
    expect(a.length).toBe(2 + 4);
    expect([...a.addr.subarray(2, 6)]).toEqual([0, 0x61, 0x62, 0x63]);
    expect(sockaddrUn(`/${'x'.repeat(106)}`)).toBeDefined();
    expect(sockaddrUn(`/${'x'.repeat(107)}`)).toBeUndefined();
    expect(sockaddrUn(`@${'x'.repeat(107)}`)).toBeDefined();
  });
});
