// UDP sockets for BFD with the TTL rules of RFC 5881 §5 / RFC 5883 §2, which Node's dgram cannot
// express: it sets the outgoing TTL (dgram can too) but cannot report a received datagram's TTL.
//
// Measured on Linux 6.18 (test/bfd/udp-ttl.test.ts keeps checking it): IP_MINTTL and
// IPV6_MINHOPCOUNT are accepted by setsockopt() on a UDP socket but not enforced — only TCP reads
// them — so a datagram sent with TTL 254 is still delivered. IP_RECVTTL would need recvmsg(2), which
// would mean reading the socket outside libuv. What works with dgram as it is: a classic BPF socket
// filter (SO_ATTACH_FILTER) that loads the TTL / hop limit from the network header (SKF_NET_OFF) and
// drops the datagram in the kernel, before it is queued. The filter can also hold one minimum per
// source address, so one shared multihop socket serves sessions with different minimum TTLs.
//
// The descriptor is created here (non-blocking, close-on-exec, IPV6_V6ONLY), configured and bound,
// then handed to `dgram.Socket#bind({ fd })`, which owns and closes it. Linux only; elsewhere
// `openUdpFd` throws, naming the reason.
import {
  AF_INET,
  AF_INET6,
  check,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_UNICAST_HOPS,
  IPV6_V6ONLY,
  intBuf,
  type Libc,
  loadLibc,
  loadNativeLibrary,
  parseIp,
  SO_BINDTODEVICE,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  writeSockaddr,
  zoneIndex,
} from './libc.js';

export const SOCK_DGRAM = 2;
/** <asm-generic/socket.h> */
export const SO_ATTACH_FILTER = 26;
/** <linux/filter.h>: negative offsets address the network header. */
export const SKF_NET_OFF = -0x100000;

// Classic BPF opcodes (<linux/bpf_common.h>).
const LD_W_ABS = 0x20;
const LD_B_ABS = 0x30;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const RET_K = 0x06;
const ACCEPT = 0xffffffff;

export interface TtlRule {
  /** Source address of the datagrams this minimum applies to. */
  readonly source: string;
  readonly minTtl: number;
}

export interface TtlFilter {
  /** Minimum TTL / hop limit for sources without a rule; null drops them. */
  readonly minTtl: number | null;
  readonly rules?: readonly TtlRule[];
}

export interface UdpSocketOptions {
  readonly family: 4 | 6;
  /** Local address (default: any); an IPv6 link-local one may carry its zone (`fe80::1%eth0`). */
  readonly address?: string;
  readonly port: number;
  /** Outgoing TTL / hop limit (IP_TTL / IPV6_UNICAST_HOPS). */
  readonly ttl?: number;
  /** SO_BINDTODEVICE: an interface or VRF device. */
  readonly bindDevice?: string;
  /** Drop received datagrams below a minimum TTL (a BPF socket filter). */
  readonly ttlFilter?: TtlFilter;
}

type Insn = [code: number, jt: number, jf: number, k: number];

/**
 * The classic BPF program for a TTL filter: per rule, compare the source address and accept when
 * the TTL (IPv4 octet 8) / hop limit (IPv6 octet 7) is at least its minimum; else the default.
 */
export function ttlFilterProgram(family: 4 | 6, filter: TtlFilter): Insn[] {
  const ttlOffset = (SKF_NET_OFF + (family === 4 ? 8 : 7)) >>> 0;
  const srcOffset = SKF_NET_OFF + (family === 4 ? 12 : 8);
  const checkTtl = (min: number): Insn[] => [
    [LD_B_ABS, 0, 0, ttlOffset],
    [JGE_K, 0, 1, min],
    [RET_K, 0, 0, ACCEPT],
    [RET_K, 0, 0, 0],
  ];
  const prog: Insn[] = [];
  for (const rule of filter.rules ?? []) {
    const addr = parseIp(rule.source);
    if (addr.family !== family) throw new TypeError(`${rule.source} is not an IPv${family} address`);
    validateTtl(rule.minTtl);
    const words = addr.bytes.length / 4;
    const body = checkTtl(rule.minTtl);
    for (let w = 0; w < words; w++) {
      const word = Buffer.from(addr.bytes).readUInt32BE(w * 4);
      // On a mismatch, skip the remaining compares and this rule's body.
      const skip = (words - w - 1) * 2 + body.length;
      prog.push([LD_W_ABS, 0, 0, (srcOffset + w * 4) >>> 0], [JEQ_K, 0, skip, word]);
    }
    prog.push(...body);
  }
  if (filter.minTtl === null) prog.push([RET_K, 0, 0, 0]);
  else {
    validateTtl(filter.minTtl);
    prog.push(...checkTtl(filter.minTtl));
  }
  // BPF_MAXINSNS
  if (prog.length > 4096) throw new RangeError(`TTL filter too long (${prog.length} instructions)`);
  return prog;
}

function validateTtl(v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`TTL must be 0..255 (got ${v})`);
}

function requireLibc(): Libc {
  const libc = loadLibc();
  if (libc instanceof Error) throw new Error(`BFD over UDP needs the libc binding: ${libc.message}`);
  return libc;
}

/** Attaches (or replaces) the TTL filter of a UDP socket. */
export function setTtlFilter(fd: number, family: 4 | 6, filter: TtlFilter): void {
  const libc = requireLibc();
  const native = loadNativeLibrary();
  if (native instanceof Error) throw native;
  const insns = ttlFilterProgram(family, filter);
  // struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; }
  const prog = Buffer.alloc(8 * insns.length);
  insns.forEach(([code, jt, jf, k], i) => {
    prog.writeUInt16LE(code, i * 8);
    prog[i * 8 + 2] = jt;
    prog[i * 8 + 3] = jf;
    prog.writeUInt32LE(k, i * 8 + 4);
  });
  // struct sock_fprog { unsigned short len; struct sock_filter *filter; } (the pointer is aligned)
  const ptrSize = native.koffi.sizeof('void *');
  const fprog = Buffer.alloc(2 * ptrSize);
  fprog.writeUInt16LE(insns.length, 0);
  const address = BigInt(native.koffi.address(prog) as unknown as bigint);
  if (ptrSize === 8) fprog.writeBigUInt64LE(address, 8);
  else fprog.writeUInt32LE(Number(address), 4);
  check(
    libc,
    libc.setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, fprog.length),
    'setsockopt',
    'SO_ATTACH_FILTER',
  );
}

/**
 * Creates, configures and binds a UDP socket; returns its descriptor for `dgram.Socket#bind({ fd })`.
 * Throws a SysError (`code` EADDRINUSE, EADDRNOTAVAIL, EPERM, …) and closes the descriptor on failure.
 */
export function openUdpFd(opts: UdpSocketOptions): number {
  const libc = requireLibc();
  const { family } = opts;
  const fd = check(
    libc,
    libc.socket(family === 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
    'socket',
  );
  try {
    if (family === 6)
      check(libc, libc.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, intBuf(1), 4), 'setsockopt', 'IPV6_V6ONLY');
    if (opts.bindDevice !== undefined) {
      const name = Buffer.from(`${opts.bindDevice}\0`);
      check(
        libc,
        libc.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length),
        'setsockopt',
        'SO_BINDTODEVICE',
      );
    }
    if (opts.ttl !== undefined) {
      validateTtl(opts.ttl);
      const [level, name] = family === 4 ? [IPPROTO_IP, IP_TTL] : [IPPROTO_IPV6, IPV6_UNICAST_HOPS];
      check(libc, libc.setsockopt(fd, level, name, intBuf(opts.ttl), 4), 'setsockopt', 'IP_TTL');
    }
    if (opts.ttlFilter) setTtlFilter(fd, family, opts.ttlFilter);
    const local = parseIp(opts.address ?? (family === 4 ? '0.0.0.0' : '::'));
    if (local.family !== family) throw new TypeError(`${opts.address} is not an IPv${family} address`);
    const sa = Buffer.alloc(28);
    const len = writeSockaddr(sa, family, local, opts.port, zoneIndex(libc, local.zone));
    check(libc, libc.bind(fd, sa, len), 'bind', `${opts.address ?? '*'}:${opts.port}`);
    return fd;
  } catch (err) {
    libc.close(fd);
    throw err;
  }
}

/** Closes a descriptor that was never handed to dgram. */
export function closeFd(fd: number): void {
  requireLibc().close(fd);
}
