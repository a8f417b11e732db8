// The system-call layer's core: koffi with libc loaded, and the bindings for the socket options
// Node's net module cannot set: socket(2), setsockopt(2), getsockopt(2), bind(2), close(2) and
// if_nametoindex(3). Other files in src/sys/ bind what they need through `loadNativeLibrary()`.
//
// Everything here is a plain, non-blocking system call on a descriptor created with SOCK_NONBLOCK:
// none of it can stall the event loop. koffi is loaded lazily so that importing this module never
// fails, on any platform; `loadLibc()` reports why it is unavailable instead.
//
// Constants were checked against the Debian 12 headers (linux-libc-dev / libc6-dev, x86_64):
//   <bits/socket.h>        AF_INET 2, AF_INET6 10
//   <bits/socket_type.h>   SOCK_STREAM 1, SOCK_NONBLOCK 0o4000, SOCK_CLOEXEC 0o2000000
//   <asm-generic/socket.h> SOL_SOCKET 1, SO_REUSEADDR 2, SO_BINDTODEVICE 25, SO_DOMAIN 39
//   <linux/in.h>           IPPROTO_IP 0, IPPROTO_TCP 6, IPPROTO_IPV6 41, IP_TTL 2, IP_MINTTL 21
//   <linux/in6.h>          IPV6_UNICAST_HOPS 16, IPV6_V6ONLY 26, IPV6_MINHOPCOUNT 73
//   <linux/tcp.h>          TCP_MD5SIG 14, TCP_MD5SIG_EXT 32, TCP_MD5SIG_FLAG_PREFIX 1,
//                          TCP_MD5SIG_MAXKEYLEN 80, struct tcp_md5sig (216 bytes)
// These values are the generic Linux ABI and are the same on x86_64, arm64, riscv64 and loongarch64
// (the architectures that define their own <asm/socket.h> — alpha, mips, parisc, sparc — and the
// big-endian ones are refused by `loadLibc()`).

import { isIP } from 'node:net';
import { getSystemErrorMap } from 'node:util';
import ipaddr from 'ipaddr.js';
import type * as Koffi from 'koffi';
import { requireKoffi } from './koffi-module.js';

export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_BINDTODEVICE = 25;
export const SO_DOMAIN = 39;

export const IPPROTO_IP = 0;
export const IPPROTO_TCP = 6;
export const IPPROTO_IPV6 = 41;
export const IP_TTL = 2;
export const IP_MINTTL = 21;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_V6ONLY = 26;
export const IPV6_MINHOPCOUNT = 73;

export const TCP_MD5SIG = 14;
/** TCP_MD5SIG with tcpm_flags: a key for a whole prefix (TCP_MD5SIG_FLAG_PREFIX, Linux 4.13). */
export const TCP_MD5SIG_EXT = 32;
export const TCP_MD5SIG_FLAG_PREFIX = 1;
export const TCP_MD5SIG_MAXKEYLEN = 80;

/** Why `key` cannot be a TCP MD5 key (RFC 2385; Linux takes at most 80 octets), or undefined. */
export function md5KeyProblem(key: string): string | undefined {
  const octets = Buffer.byteLength(key, 'utf8');
  if (octets <= TCP_MD5SIG_MAXKEYLEN) return undefined;
  return `a TCP MD5 key is at most ${TCP_MD5SIG_MAXKEYLEN} octets (Linux TCP_MD5SIG_MAXKEYLEN); this one has ${octets}`;
}
/** sizeof(struct tcp_md5sig): sockaddr_storage(128) + flags, prefixlen, keylen(2), ifindex(4) + key[80]. */
export const TCP_MD5SIG_SIZE = 216;
export const ENOENT = 2;
export const ENODEV = 19;

export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, len: number): number;
  getsockopt(fd: number, level: number, name: number, value: Buffer, len: Buffer): number;
  bind(fd: number, addr: Buffer, len: number): number;
  close(fd: number): number;
  if_nametoindex(name: string): number;
  /** errno of the last call made through these bindings (valid only right after a -1 return). */
  errno(): number;
}

// Little-endian architectures with the generic socket ABI for which koffi ships a prebuilt binary.
// (Multi-byte sockaddr/tcp_md5sig fields other than ports are host-order; they are written LE here.)
const SUPPORTED_ARCHES = new Set(['x64', 'arm64', 'ia32', 'arm', 'riscv64', 'loong64']);

let cached: Libc | Error | undefined;

/** The libc bindings, or an Error explaining why they are not available on this platform. */
export function loadLibc(): Libc | Error {
  if (cached !== undefined) return cached;
  cached = doLoad();
  return cached;
}

/** koffi and the loaded C library, for other binding files in src/sys/ (netlink, UDP TTL). */
export interface NativeLibrary {
  readonly koffi: typeof Koffi;
  readonly lib: Koffi.IKoffiLib;
}

let native: NativeLibrary | Error | undefined;

/** koffi with libc loaded, or an Error explaining why not (cached). */
export function loadNativeLibrary(): NativeLibrary | Error {
  native ??= doLoadNative();
  return native;
}

function doLoadNative(): NativeLibrary | Error {
  if (process.platform !== 'linux') {
    return new Error(`socket options need Linux (this is ${process.platform})`);
  }
  if (!SUPPORTED_ARCHES.has(process.arch)) {
    return new Error(`socket option constants are not known for Linux/${process.arch}`);
  }
  let koffi: typeof Koffi;
  try {
    koffi = requireKoffi();
  } catch (err) {
    return new Error(`cannot load koffi: ${(err as Error).message}`);
  }
  let lib: Koffi.IKoffiLib;
  try {
    // glibc's soname; on musl the C library is the process itself (null = already-loaded symbols).
    lib = koffi.load('libc.so.6');
  } catch {
    try {
      lib = koffi.load(null);
    } catch (err) {
      return new Error(`cannot load libc: ${(err as Error).message}`);
    }
  }
  return { koffi, lib };
}

function doLoad(): Libc | Error {
  const native = loadNativeLibrary();
  if (native instanceof Error) return native;
  const { koffi, lib } = native;
  try {
    const socket = lib.func('int socket(int domain, int type, int protocol)');
    const setsockopt = lib.func(
      'int setsockopt(int fd, int level, int name, const void *value, uint32_t len)',
    );
    const getsockopt = lib.func(
      'int getsockopt(int fd, int level, int name, _Out_ void *value, _Inout_ uint32_t *len)',
    );
    const bind = lib.func('int bind(int fd, const void *addr, uint32_t len)');
    const close = lib.func('int close(int fd)');
    const ifNameToIndex = lib.func('unsigned int if_nametoindex(const char *name)');
    return {
      socket: (d, t, p) => socket(d, t, p) as number,
      setsockopt: (fd, level, name, value, len) => setsockopt(fd, level, name, value, len) as number,
      getsockopt: (fd, level, name, value, len) => getsockopt(fd, level, name, value, len) as number,
      bind: (fd, addr, len) => bind(fd, addr, len) as number,
      close: (fd) => close(fd) as number,
      if_nametoindex: (name) => ifNameToIndex(name) as number,
      errno: () => koffi.errno(),
    };
  } catch (err) {
    return new Error(`cannot bind libc functions: ${(err as Error).message}`);
  }
}

/** A Node-style system error: `code` 'EPERM' etc., negative `errno` as in libuv errors, and `syscall`. */
export interface SysError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

let errorMap: Map<number, [string, string]> | undefined;

export function sysError(errno: number, syscall: string, detail?: string): SysError {
  errorMap ??= getSystemErrorMap();
  const [code, text] = errorMap.get(-errno) ?? [`E${errno}`, `errno ${errno}`];
  const err = new Error(`${syscall} ${code}${detail ? ` ${detail}` : ''}: ${text}`) as SysError;
  err.code = code;
  err.errno = -errno;
  err.syscall = syscall;
  return err;
}

/** Throws a SysError if `rc` is -1 (the libc failure convention). */
export function check(libc: Libc, rc: number, syscall: string, detail?: string): number {
  if (rc === -1) throw sysError(libc.errno(), syscall, detail);
  return rc;
}

export interface ParsedAddress {
  family: 4 | 6;
  bytes: Uint8Array;
  /** IPv6 zone (interface name or number) from `fe80::1%eth0`, if any. */
  zone?: string;
}

export function parseIp(address: string): ParsedAddress {
  const pct = address.indexOf('%');
  const bare = pct >= 0 ? address.slice(0, pct) : address;
  const zone = pct >= 0 ? address.slice(pct + 1) : undefined;
  const kind = isIP(bare);
  if (kind === 0) throw new TypeError(`not an IP address: ${JSON.stringify(address)}`);
  const family = kind === 4 ? 4 : 6;
  if (family === 4 && zone !== undefined) throw new TypeError(`IPv4 address with a zone: ${address}`);
  const bytes = Uint8Array.from(ipaddr.parse(bare).toByteArray());
  return zone === undefined ? { family, bytes } : { family, bytes, zone };
}

/** The interface called `name`'s index; 0 when there is none (or no libc binding). */
export function interfaceIndex(name: string): number {
  const libc = loadLibc();
  return libc instanceof Error ? 0 : libc.if_nametoindex(name);
}

/** An int socket option value (setsockopt's `const void *` of 4 octets). */
export function intBuf(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

/** Resolves an IPv6 zone (`eth0` or `3`) to an interface index. */
export function zoneIndex(libc: Libc, zone: string | undefined): number {
  if (zone === undefined || zone === '') return 0;
  if (/^\d+$/.test(zone)) return Number(zone);
  const index = libc.if_nametoindex(zone);
  if (index === 0) throw sysError(libc.errno() || ENODEV, 'if_nametoindex', zone);
  return index;
}

/**
 * Encodes a sockaddr_in / sockaddr_in6 for a socket of family `sockFamily` into `out` (which must
 * hold at least 28 bytes) and returns the sockaddr length. An IPv4 address given to an AF_INET6
 * socket is written as the IPv4-mapped IPv6 address `::ffff:a.b.c.d`, which is what Linux expects
 * on dual-stack sockets (for bind() as for TCP_MD5SIG keys).
 */
export function writeSockaddr(
  out: Buffer,
  sockFamily: 4 | 6,
  addr: ParsedAddress,
  port: number,
  scopeId: number,
): number {
  if (sockFamily === 4) {
    if (addr.family !== 4) throw new TypeError('IPv6 address on an IPv4 socket');
    out.fill(0, 0, 16);
    out.writeUInt16LE(AF_INET, 0);
    out.writeUInt16BE(port, 2);
    out.set(addr.bytes, 4);
    return 16;
  }
  out.fill(0, 0, 28);
  out.writeUInt16LE(AF_INET6, 0);
  out.writeUInt16BE(port, 2);
  if (addr.family === 4) {
    out[18] = 0xff;
    out[19] = 0xff;
    out.set(addr.bytes, 20);
  } else {
    out.set(addr.bytes, 8);
  }
  out.writeUInt32LE(scopeId, 24);
  return 28;
}
