// sd_notify(3) without libsystemd: tells systemd about the service's state (Type=notify units) by
// sending one datagram to the AF_UNIX socket named in $NOTIFY_SOCKET. Node has no unix datagram
// sockets, so the socket is made with libc through koffi (src/sys/libc.ts, as for the TCP
// options): socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK), sendto(), close().
//
// The protocol (sd_notify(3), "Notes"): newline-separated VARIABLE=VALUE assignments in one
// datagram, e.g. "READY=1", "STOPPING=1", "RELOADING=1\nMONOTONIC_USEC=…", "STATUS=…". A socket
// name starting with '@' is in the abstract namespace (the '@' becomes a NUL byte).
//
// Constants (Linux generic ABI, <bits/socket.h>, <bits/socket_type.h>, <sys/un.h>): AF_UNIX 1,
// SOCK_DGRAM 2, SOCK_NONBLOCK 0o4000, SOCK_CLOEXEC 0o2000000, MSG_DONTWAIT 0x40, MSG_NOSIGNAL
// 0x4000; struct sockaddr_un is sa_family_t (2 octets, host order) + sun_path[108].

import { loadNativeLibrary } from '../sys/libc.js';

export const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
/** sizeof(sun_path). */
const SUN_PATH_MAX = 108;
/** sizeof(sa_family_t): sun_path starts here. */
const SUN_PATH_OFFSET = 2;

interface NotifyLibc {
  socket(domain: number, type: number, protocol: number): number;
  sendto(fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, addrLen: number): number;
  close(fd: number): number;
}

let cached: NotifyLibc | null | undefined;

function loadLibc(): NotifyLibc | null {
  if (cached !== undefined) return cached;
  cached = null;
  const native = loadNativeLibrary();
  if (native instanceof Error) return cached;
  const { lib } = native;
  try {
    const socket = lib.func('int socket(int domain, int type, int protocol)');
    const sendto = lib.func(
      'intptr_t sendto(int fd, const void *buf, uintptr_t len, int flags, const void *addr, uint32_t addrlen)',
    );
    const close = lib.func('int close(int fd)');
    cached = {
      socket: (d, t, p) => socket(d, t, p) as number,
      sendto: (fd, buf, len, flags, addr, addrLen) => Number(sendto(fd, buf, len, flags, addr, addrLen)),
      close: (fd) => close(fd) as number,
    };
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * A struct sockaddr_un for `name` (an absolute path, or '@' + an abstract name) and its length, or
 * undefined when the name cannot be one (relative, empty, too long, or has a NUL in a path).
 */
export function sockaddrUn(name: string): { addr: Buffer; length: number } | undefined {
  const abstract = name.startsWith('@');
  if (!abstract && !name.startsWith('/')) return undefined;
  const path = Buffer.from(name, 'utf8');
  if (path.length < 2) return undefined;
  // A path needs its terminating NUL inside sun_path; an abstract name uses every octet it has.
  if (abstract ? path.length > SUN_PATH_MAX : path.length >= SUN_PATH_MAX || path.includes(0)) {
    return undefined;
  }
  const addr = Buffer.alloc(SUN_PATH_OFFSET + SUN_PATH_MAX);
  addr.writeUInt16LE(AF_UNIX, 0);
  path.copy(addr, SUN_PATH_OFFSET);
  if (abstract) addr[SUN_PATH_OFFSET] = 0;
  // Abstract names are exactly as long as given (no NUL terminator); paths include theirs.
  return { addr, length: SUN_PATH_OFFSET + path.length + (abstract ? 0 : 1) };
}

/**
 * Sends `state` ("READY=1", "STOPPING=1", "STATUS=…", several joined by "\n") to systemd. Returns
 * true when the datagram was sent; false when $NOTIFY_SOCKET is unset (not run by systemd, or not
 * Type=notify) or anything fails. Never throws, never logs, never blocks.
 */
export function notifySystemd(state: string, socketName = process.env.NOTIFY_SOCKET): boolean {
  if (!socketName || state === '') return false;
  const sa = sockaddrUn(socketName);
  if (!sa) return false;
  const libc = loadLibc();
  if (!libc) return false;
  let fd = -1;
  try {
    fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return false;
    const message = Buffer.from(state, 'utf8');
    const sent = libc.sendto(fd, message, message.length, MSG_DONTWAIT | MSG_NOSIGNAL, sa.addr, sa.length);
    return sent === message.length;
  } catch {
    return false;
  } finally {
    if (fd >= 0) {
      try {
        libc.close(fd);
      } catch {
        // nothing to do
      }
    }
  }
}

/**
 * The RELOADING=1 message with the CLOCK_MONOTONIC timestamp systemd (≥ 253) wants alongside it.
 * process.hrtime is CLOCK_MONOTONIC on Linux (libuv's uv_hrtime).
 */
export function reloadingState(): string {
  return `RELOADING=1\nMONOTONIC_USEC=${process.hrtime.bigint() / 1000n}`;
}
