// TCP sockets with the options a BGP speaker needs, in effect from the first SYN:
//   ttl        IP_TTL / IPV6_UNICAST_HOPS     outgoing TTL (eBGP multihop, or 255 for GTSM)
//   minTtl     IP_MINTTL / IPV6_MINHOPCOUNT   drop segments arriving with a lower TTL (GTSM, RFC 5082)
//   md5        TCP_MD5SIG                     RFC 2385 TCP MD5 signature for the peer address
//   bindDevice SO_BINDTODEVICE                scope the socket to an interface or a VRF device
//
// Node's net module cannot set any of these (and creates the descriptor only inside connect()), so
// the descriptor is created here with libc socket(2) (non-blocking, close-on-exec), configured and
// bound, and only then handed to Node: `new net.Socket({ fd, manualStart: true })` followed by
// `socket.connect()`. libuv accepts an unconnected descriptor (uv_tcp_open) and performs the usual
// non-blocking connect() + epoll wait on it, so the event loop is never blocked and the very first
// SYN already carries the TTL and the MD5 option. `manualStart` stops Node from starting to read the
// still unconnected descriptor (which would fail with ENOTCONN); reading starts on 'connect'.
// Listeners are configured the same way and handed to `server.listen({ fd })`, which calls listen(2).
//
// Linux only. Elsewhere (or if koffi cannot be loaded) a request for one of these options rejects with
// SocketOptionUnsupportedError naming the option; plain connects/listens still work through net.

import net from 'node:net';
import { constants as osConstants } from 'node:os';
import {
  AF_INET,
  AF_INET6,
  check,
  ENOENT,
  IP_MINTTL,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPV6_MINHOPCOUNT,
  IPV6_UNICAST_HOPS,
  IPV6_V6ONLY,
  intBuf,
  type Libc,
  loadLibc,
  md5KeyProblem,
  type ParsedAddress,
  parseIp,
  SO_BINDTODEVICE,
  SO_DOMAIN,
  SO_REUSEADDR,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  type SysError,
  sysError,
  TCP_MD5SIG,
  TCP_MD5SIG_EXT,
  TCP_MD5SIG_FLAG_PREFIX,
  TCP_MD5SIG_SIZE,
  writeSockaddr,
  zoneIndex,
} from '../sys/libc.js';

export interface Md5Key {
  /** The shared secret, 1–80 bytes once UTF-8 encoded (TCP_MD5SIG_MAXKEYLEN). */
  key: string;
}

export interface ConnectTcpOptions {
  /** Peer address (IPv4, IPv6, `fe80::1%eth0`) or a host name (resolved with dns.lookup). */
  host: string;
  port: number;
  localAddress?: string;
  localPort?: number;
  /** Outgoing TTL / hop limit, 1–255 (IP_TTL / IPV6_UNICAST_HOPS): eBGP multihop, or 255 for GTSM. */
  ttl?: number;
  /** GTSM (RFC 5082): drop segments arriving with TTL below this, 0–255 (IP_MINTTL / IPV6_MINHOPCOUNT). */
  minTtl?: number;
  /** RFC 2385 TCP MD5 signature with the peer address (TCP_MD5SIG). */
  md5?: Md5Key;
  /** SO_BINDTODEVICE: an interface or VRF device name. */
  bindDevice?: string;
  /** Give up (reject with ETIMEDOUT) after this long; default: the kernel's SYN retries (~2 min). */
  timeoutMs?: number;
  /** Abort the attempt (the socket is destroyed, the promise rejects with an AbortError). */
  signal?: AbortSignal;
}

export interface ListenTcpOptions {
  /** Local address to listen on; `::` listens dual-stack (IPv4 peers appear as ::ffff:a.b.c.d). */
  host: string;
  port: number;
  /**
   * MD5 keys per peer address, or per prefix with `prefixLength` (a dynamic neighbor range), set on
   * the listening socket; accepted sockets inherit them.
   */
  md5Peers?: { address: string; prefixLength?: number; key: string }[];
  /** GTSM minimum TTL for every accepted connection, 0–255 (checked on the SYN already). */
  minTtl?: number;
  /**
   * Outgoing TTL of the listening socket, 1–255: the SYN-ACK is sent with it and accepted sockets
   * inherit it. GTSM needs 255 here, or a peer enforcing GTSM drops the SYN-ACK.
   */
  ttl?: number;
  bindDevice?: string;
  /** listen(2) backlog, default 511 like Node. */
  backlog?: number;
}

/** The options of this module, with the socket option each uses. */
export type SocketOptionName = 'ttl' | 'minTtl' | 'md5' | 'bindDevice';

const OPTION_SYSNAME: Record<SocketOptionName, string> = {
  ttl: 'IP_TTL/IPV6_UNICAST_HOPS',
  minTtl: 'IP_MINTTL/IPV6_MINHOPCOUNT',
  md5: 'TCP_MD5SIG',
  bindDevice: 'SO_BINDTODEVICE',
};

export interface SocketOptionSupport {
  /** Whether sockets can be created through libc at all (Linux, koffi loaded). */
  available: boolean;
  ttl: boolean;
  minTtl: boolean;
  md5: boolean;
  bindDevice: boolean;
  /** Why `available` (or an option) is false. */
  reasons: Partial<Record<SocketOptionName | 'available', string>>;
}

export class SocketOptionUnsupportedError extends Error {
  readonly code = 'ERR_SOCKET_OPTION_UNSUPPORTED';
  constructor(
    readonly option: SocketOptionName,
    reason: string,
  ) {
    super(`TCP socket option ${option} (${OPTION_SYSNAME[option]}) is not supported here: ${reason}`);
    this.name = 'SocketOptionUnsupportedError';
  }
}

let support: SocketOptionSupport | undefined;

/** Which options work on this platform; probed once with throw-away sockets, then cached. */
export function supported(): SocketOptionSupport {
  support ??= probe();
  return support;
}

function probe(): SocketOptionSupport {
  const libc = loadLibc();
  if (libc instanceof Error) {
    const reason = libc.message;
    return {
      available: false,
      ttl: false,
      minTtl: false,
      md5: false,
      bindDevice: false,
      reasons: { available: reason, ttl: reason, minTtl: reason, md5: reason, bindDevice: reason },
    };
  }
  const reasons: SocketOptionSupport['reasons'] = {};
  const fd = libc.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const reason = sysError(libc.errno(), 'socket').message;
    return {
      available: false,
      ttl: false,
      minTtl: false,
      md5: false,
      bindDevice: false,
      reasons: { available: reason },
    };
  }
  const attempt = (
    name: SocketOptionName,
    fn: () => number,
    ok: (errno: number) => boolean = () => false,
  ) => {
    if (fn() === 0) return true;
    const errno = libc.errno();
    if (ok(errno)) return true;
    reasons[name] = sysError(errno, 'setsockopt', OPTION_SYSNAME[name]).message;
    return false;
  };
  try {
    const int = intBuf(64);
    const md5 = Buffer.alloc(TCP_MD5SIG_SIZE);
    md5.writeUInt16LE(AF_INET, 0); // delete a key for 0.0.0.0 that is not there: ENOENT when supported
    return {
      available: true,
      ttl: attempt('ttl', () => libc.setsockopt(fd, IPPROTO_IP, IP_TTL, int, 4)),
      minTtl: attempt('minTtl', () => libc.setsockopt(fd, IPPROTO_IP, IP_MINTTL, intBuf(0), 4)),
      md5: attempt(
        'md5',
        () => libc.setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, md5, TCP_MD5SIG_SIZE),
        (e) => e === ENOENT,
      ),
      // Unbinding ("") is allowed exactly when binding is (CAP_NET_RAW on kernels before 5.7).
      bindDevice: attempt('bindDevice', () =>
        libc.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, Buffer.alloc(1), 1),
      ),
      reasons,
    };
  } finally {
    libc.close(fd);
  }
}

/** The libc bindings, or a SocketOptionUnsupportedError for the first libc-only option requested. */
function libcFor(opts: {
  ttl?: number;
  minTtl?: number;
  md5?: unknown;
  bindDevice?: string;
}): Libc | undefined {
  const libc = loadLibc();
  if (!(libc instanceof Error)) return libc;
  const wanted = (['ttl', 'minTtl', 'md5', 'bindDevice'] as const).find((o) => opts[o] !== undefined);
  if (wanted !== undefined) throw new SocketOptionUnsupportedError(wanted, libc.message);
  return undefined;
}

function requireLibc(option: SocketOptionName): Libc {
  const libc = loadLibc();
  if (libc instanceof Error) throw new SocketOptionUnsupportedError(option, libc.message);
  return libc;
}

// ------------------------------------------------------------------------------------------ connect

/**
 * Connects a TCP socket with the given options applied before the SYN is sent. Resolves once the
 * connection is established; rejects with a Node-style error (`code` ECONNREFUSED, ETIMEDOUT,
 * EHOSTUNREACH, ENETUNREACH, …). The descriptor is closed on every failure path.
 */
export async function connectTcp(opts: ConnectTcpOptions): Promise<net.Socket> {
  validatePort(opts.port, 'port');
  if (opts.localPort !== undefined) validatePort(opts.localPort, 'localPort');
  if (opts.ttl !== undefined) validateByte(opts.ttl, 'ttl', 1);
  if (opts.minTtl !== undefined) validateByte(opts.minTtl, 'minTtl', 0);
  const md5Key = opts.md5 === undefined ? undefined : encodeKey(opts.md5.key);
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const libc = libcFor(opts);

  const remote = await resolve(opts.host, opts.localAddress);
  if (opts.signal?.aborted) throw abortError(opts.signal);
  if (libc === undefined) {
    // No libc (not Linux) and no option needing it: a plain Node connect.
    return attachConnect(new net.Socket(), opts, remote.address, true);
  }

  const family = remote.parsed.family;
  const fd = check(
    libc,
    libc.socket(family === 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
    'socket',
  );
  let socket: net.Socket;
  try {
    if (opts.bindDevice !== undefined) setBindDevice(libc, fd, opts.bindDevice);
    if (opts.ttl !== undefined) setTtlFd(libc, fd, family, opts.ttl, false);
    if (opts.minTtl !== undefined) setMinTtlFd(libc, fd, family, opts.minTtl, false);
    if (md5Key !== undefined) setMd5Fd(libc, fd, family, remote.parsed, md5Key);
    if (opts.localAddress !== undefined || opts.localPort !== undefined) {
      const local = opts.localAddress === undefined ? undefined : parseIp(opts.localAddress);
      if (local !== undefined && local.family !== family) {
        throw new TypeError(
          `localAddress ${opts.localAddress} is not of the same family as ${remote.address}`,
        );
      }
      const any: ParsedAddress = { family, bytes: new Uint8Array(family === 4 ? 4 : 16) };
      const sa = Buffer.alloc(28);
      const len = writeSockaddr(sa, family, local ?? any, opts.localPort ?? 0, zoneIndex(libc, local?.zone));
      check(libc, libc.bind(fd, sa, len), 'bind', `${opts.localAddress ?? ''}:${opts.localPort ?? 0}`);
    }
    // `manualStart` (honoured by Node's Socket constructor, not in its typings): do not start
    // reading an unconnected descriptor; Node starts reading on 'connect'.
    socket = new net.Socket({ fd, manualStart: true } as net.SocketConstructorOpts);
  } catch (err) {
    libc.close(fd);
    throw err;
  }
  return attachConnect(socket, opts, remote.address, false);
}

function attachConnect(
  socket: net.Socket,
  opts: ConnectTcpOptions,
  address: string,
  nodeBinds: boolean,
): Promise<net.Socket> {
  return new Promise<net.Socket>((resolvePromise, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => socket.destroy(abortError(opts.signal!));
    const cleanup = () => {
      if (timer !== undefined) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('connect', onConnect);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onConnect = () => {
      cleanup();
      socket.removeListener('error', onError);
      // An UPDATE goes out when written, not after the previous segment's (delayed) ACK: Nagle
      // would hold small messages back by up to the peer's delayed-ACK time.
      socket.setNoDelay(true);
      resolvePromise(socket);
    };
    socket.once('error', onError);
    socket.once('connect', onConnect);
    if (opts.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        const err = sysError(osConstants.errno.ETIMEDOUT, 'connect', `${address}:${opts.port}`);
        Object.assign(err, { address, port: opts.port });
        socket.destroy(err);
      }, opts.timeoutMs);
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const connectOpts: net.TcpSocketConnectOpts = { port: opts.port, host: address };
    if (nodeBinds) {
      if (opts.localAddress !== undefined) connectOpts.localAddress = opts.localAddress;
      if (opts.localPort !== undefined) connectOpts.localPort = opts.localPort;
    }
    try {
      socket.connect(connectOpts);
    } catch (err) {
      cleanup();
      socket.destroy();
      reject(err);
    }
  });
}

// ------------------------------------------------------------------------------------------- listen

/**
 * Listens on host:port with MD5 keys, GTSM and the device binding set on the listening socket before
 * listen(2). Resolves once listening; attach the 'connection' listener right after the await.
 */
export async function listenTcp(opts: ListenTcpOptions): Promise<net.Server> {
  validatePort(opts.port, 'port');
  if (opts.minTtl !== undefined) validateByte(opts.minTtl, 'minTtl', 0);
  if (opts.ttl !== undefined) validateByte(opts.ttl, 'ttl', 1);
  const peers = (opts.md5Peers ?? []).map((p) => ({
    address: parseIp(p.address),
    prefixLength: p.prefixLength,
    key: encodeKey(p.key),
  }));
  const libc = libcFor({
    ttl: opts.ttl,
    minTtl: opts.minTtl,
    md5: peers.length > 0 ? peers : undefined,
    bindDevice: opts.bindDevice,
  });
  const local = await resolve(opts.host);
  const server = net.createServer();
  if (libc === undefined) {
    return listenWith(server, { host: local.address, port: opts.port, backlog: opts.backlog ?? 511 });
  }

  const family = local.parsed.family;
  const fd = check(
    libc,
    libc.socket(family === 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
    'socket',
  );
  try {
    check(libc, libc.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, intBuf(1), 4), 'setsockopt', 'SO_REUSEADDR');
    // Dual-stack like Node/libuv (which clear IPV6_V6ONLY unless asked for ipv6Only).
    if (family === 6) check(libc, libc.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, intBuf(0), 4), 'setsockopt');
    if (opts.bindDevice !== undefined) setBindDevice(libc, fd, opts.bindDevice);
    if (opts.ttl !== undefined) setTtlFd(libc, fd, family, opts.ttl, true);
    if (opts.minTtl !== undefined) setMinTtlFd(libc, fd, family, opts.minTtl, true);
    for (const peer of peers) setMd5Fd(libc, fd, family, peer.address, peer.key, peer.prefixLength);
    const sa = Buffer.alloc(28);
    const len = writeSockaddr(sa, family, local.parsed, opts.port, zoneIndex(libc, local.parsed.zone));
    check(libc, libc.bind(fd, sa, len), 'bind', `${local.address}:${opts.port}`);
  } catch (err) {
    libc.close(fd);
    throw err;
  }
  return listenWith(server, { fd, backlog: opts.backlog ?? 511 });
}

function listenWith(
  server: net.Server,
  listenOpts: net.ListenOptions & { fd?: number },
): Promise<net.Server> {
  return new Promise<net.Server>((resolvePromise, reject) => {
    const onError = (err: Error) => {
      server.close();
      reject(err);
    };
    server.once('error', onError);
    server.listen(listenOpts, () => {
      server.removeListener('error', onError);
      resolvePromise(server);
    });
  });
}

// ------------------------------------------------------------------------------ run-time adjustments

/**
 * Adds (key set) or removes (key undefined) the MD5 key for a peer address, or with `prefixLength`
 * for a prefix, on a listening server made by listenTcp (or any net.Server with a TCP handle).
 * Removing a key that is not there is a no-op. Connections already accepted keep the key they were
 * accepted with.
 */
export function setPeerMd5(
  server: net.Server,
  address: string,
  key: string | undefined,
  prefixLength?: number,
): void {
  const libc = requireLibc('md5');
  const fd = fdOf(server, 'server');
  const parsed = parseIp(address);
  const encoded = key === undefined ? undefined : encodeKey(key);
  try {
    setMd5Fd(libc, fd, socketFamily(libc, fd), parsed, encoded, prefixLength);
  } catch (err) {
    if (encoded === undefined && (err as SysError).errno === -ENOENT) return;
    throw err;
  }
}

/** Sets the GTSM minimum TTL on a connected (e.g. accepted) socket; 0 disables the check. */
export function setSocketMinTtl(socket: net.Socket, n: number): void {
  validateByte(n, 'minTtl', 0);
  const libc = requireLibc('minTtl');
  const fd = fdOf(socket, 'socket');
  setMinTtlFd(libc, fd, socketFamily(libc, fd), n, true);
}

/** Sets the outgoing TTL / hop limit on a connected (e.g. accepted) socket. */
export function setSocketTtl(socket: net.Socket, n: number): void {
  validateByte(n, 'ttl', 1);
  const libc = requireLibc('ttl');
  const fd = fdOf(socket, 'socket');
  setTtlFd(libc, fd, socketFamily(libc, fd), n, true);
}

// ---------------------------------------------------------------------------------------- internals

function setBindDevice(libc: Libc, fd: number, device: string): void {
  const name = Buffer.from(`${device}\0`, 'utf8');
  if (name.length > 16) throw new RangeError(`bindDevice: interface name too long: ${device}`);
  check(
    libc,
    libc.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length),
    'setsockopt',
    `SO_BINDTODEVICE ${device}`,
  );
}

/**
 * On AF_INET6 sockets `bothFamilies` also sets the IPv4 option: connections to IPv4 peers on a
 * dual-stack socket (::ffff:a.b.c.d) are handled by the IPv4 code, which reads IP_TTL / IP_MINTTL.
 */
function setTtlFd(libc: Libc, fd: number, family: 4 | 6, ttl: number, bothFamilies: boolean): void {
  setPerFamily(
    libc,
    fd,
    family,
    bothFamilies,
    ttl,
    [IPV6_UNICAST_HOPS, 'IPV6_UNICAST_HOPS'],
    [IP_TTL, 'IP_TTL'],
  );
}

function setMinTtlFd(libc: Libc, fd: number, family: 4 | 6, minTtl: number, bothFamilies: boolean): void {
  setPerFamily(
    libc,
    fd,
    family,
    bothFamilies,
    minTtl,
    [IPV6_MINHOPCOUNT, 'IPV6_MINHOPCOUNT'],
    [IP_MINTTL, 'IP_MINTTL'],
  );
}

/** Sets an integer option at the IPv6 level (AF_INET6 sockets) and/or the IPv4 level. */
function setPerFamily(
  libc: Libc,
  fd: number,
  family: 4 | 6,
  bothFamilies: boolean,
  value: number,
  [v6Option, v6Name]: [number, string],
  [v4Option, v4Name]: [number, string],
): void {
  if (family === 6)
    check(libc, libc.setsockopt(fd, IPPROTO_IPV6, v6Option, intBuf(value), 4), 'setsockopt', v6Name);
  if (family === 4 || bothFamilies) {
    check(libc, libc.setsockopt(fd, IPPROTO_IP, v4Option, intBuf(value), 4), 'setsockopt', v4Name);
  }
}

/**
 * struct tcp_md5sig for `peer` (keylen 0 = delete) on a socket of family `sockFamily`; with
 * `prefixLength`, for every address of that prefix (TCP_MD5SIG_EXT; an IPv4 prefix keeps its IPv4
 * length on an IPv6 socket, as the kernel reads a v4-mapped address). The kernel uses the longest
 * matching key, so a neighbor's own key wins over its range's.
 */
function setMd5Fd(
  libc: Libc,
  fd: number,
  sockFamily: 4 | 6,
  peer: ParsedAddress,
  key: Buffer | undefined,
  prefixLength?: number,
): void {
  if (sockFamily === 4 && peer.family === 6) {
    throw new TypeError('md5: IPv6 peer address on an IPv4 socket');
  }
  const buf = Buffer.alloc(TCP_MD5SIG_SIZE);
  writeSockaddr(buf, sockFamily, peer, 0, 0); // tcpm_addr (sockaddr_storage, 128 bytes)
  // tcpm_flags (128), tcpm_prefixlen (129), tcpm_keylen (130, u16), tcpm_ifindex (132) = 0
  if (prefixLength !== undefined) {
    buf[128] = TCP_MD5SIG_FLAG_PREFIX;
    buf[129] = prefixLength;
  }
  if (key !== undefined) {
    buf.writeUInt16LE(key.length, 130);
    key.copy(buf, 136);
  }
  const [option, name] =
    prefixLength === undefined ? [TCP_MD5SIG, 'TCP_MD5SIG'] : [TCP_MD5SIG_EXT, 'TCP_MD5SIG_EXT'];
  check(libc, libc.setsockopt(fd, IPPROTO_TCP, option, buf, TCP_MD5SIG_SIZE), 'setsockopt', name);
}

function socketFamily(libc: Libc, fd: number): 4 | 6 {
  const value = Buffer.alloc(4);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(4);
  check(libc, libc.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, value, len), 'getsockopt', 'SO_DOMAIN');
  const domain = value.readInt32LE(0);
  if (domain === AF_INET) return 4;
  if (domain === AF_INET6) return 6;
  throw new TypeError(`not an IP socket (domain ${domain})`);
}

/** The descriptor behind a net.Socket / net.Server (Node's handle exposes it as `fd`). */
function fdOf(target: net.Socket | net.Server, what: string): number {
  const handle = (target as unknown as { _handle?: { fd?: unknown } | null })._handle;
  const fd = handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error(`${what} has no open file descriptor`);
  return fd;
}

async function resolve(
  host: string,
  localAddress?: string,
): Promise<{ address: string; parsed: ParsedAddress }> {
  if (net.isIP(host) !== 0) return { address: host, parsed: parseIp(host) };
  const family = localAddress === undefined ? 0 : net.isIP(localAddress.split('%')[0]!);
  // Loaded by the first host name: most configurations give addresses.
  const { lookup } = await import('node:dns/promises');
  const { address } = await lookup(host, { family });
  return { address, parsed: parseIp(address) };
}

/** Like Node's own AbortError (net.connect with a signal): name AbortError, code ABORT_ERR. */
function abortError(signal: AbortSignal): Error {
  const err = new Error('The operation was aborted', { cause: signal.reason }) as NodeJS.ErrnoException;
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  return err;
}

function encodeKey(key: string): Buffer {
  const problem = key.length === 0 ? 'an empty TCP MD5 key' : md5KeyProblem(key);
  if (problem) throw new RangeError(problem);
  return Buffer.from(key, 'utf8');
}

function validatePort(port: number, name: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${name} must be 0-65535`);
}

function validateByte(n: number, name: string, min: number): void {
  if (!Number.isInteger(n) || n < min || n > 255) throw new RangeError(`${name} must be ${min}-255`);
}
