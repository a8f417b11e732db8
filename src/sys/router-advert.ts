// Router Advertisements for BGP unnumbered. A peer configured by interface (FRR's `neighbor eth0
// interface`) learns our link-local address from the RAs we send on that link, as we learn its
// from the RAs it sends (the kernel records their sources as routers: kernel-neighbors). Nothing
// else is announced: the RA says only "a router is here".
//
//   RFC 4861 §4.2: Type 134, Code 0, Checksum, Cur Hop Limit, M/O flags, Router Lifetime, Reachable
//   Time, Retrans Timer, options. "A Lifetime of 0 indicates that the router is not a default
//   router and SHOULD NOT appear on the default router list": hosts on the link take no default
//   route from Herald. Cur Hop Limit, Reachable Time and Retrans Timer 0: "unspecified".
//   §6.1.2: receivers drop an RA whose IP Hop Limit is not 255 (set with IPV6_MULTICAST_HOPS).
//   §4.6.1: the Source Link-Layer Address option (type 1) "SHOULD be included" on multicast links.
//   RFC 3542 §3.1: the kernel computes the checksum of a raw ICMPv6 socket's messages.
//
// A raw socket needs CAP_NET_RAW; without it `open()` returns the error and the caller reports it.
import { type IoLibc, loadIoLibc, MSG_DONTWAIT, SOCK_RAW } from './io-libc.js';
import {
  AF_INET6,
  check,
  IPPROTO_IPV6,
  intBuf,
  parseIp,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  type SysError,
  sysError,
  writeSockaddr,
} from './libc.js';

const IPPROTO_ICMPV6 = 58;
const IPV6_MULTICAST_HOPS = 18;
const IPV6_MULTICAST_LOOP = 19;
/** <netinet/icmp6.h>: ICMP6_FILTER at level IPPROTO_ICMPV6; a set bit blocks that type. */
const ICMP6_FILTER = 1;
const ND_ROUTER_ADVERT = 134;
const ALL_NODES = parseIp('ff02::1');

/** A Router Advertisement that announces nothing but its sender (and its MAC, when known). */
export function encodeRouterAdvert(mac?: Uint8Array): Buffer {
  const ra = Buffer.alloc(16 + (mac?.length === 6 ? 8 : 0));
  ra[0] = ND_ROUTER_ADVERT;
  if (mac?.length === 6) {
    ra[16] = 1; // Source Link-Layer Address
    ra[17] = 1; // length in units of 8 octets
    ra.set(mac, 18);
  }
  return ra;
}

/** Parses `aa:bb:cc:dd:ee:ff` (os.networkInterfaces()'s form); undefined for none or all zeros. */
export function parseMac(text: string | undefined): Uint8Array | undefined {
  if (!text || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(text)) return undefined;
  const bytes = Uint8Array.from(text.split(':').map((h) => Number.parseInt(h, 16)));
  return bytes.some((b) => b !== 0) ? bytes : undefined;
}

export class RouterAdvertSocket {
  private readonly sockaddr = Buffer.alloc(28);

  private constructor(
    private readonly libc: IoLibc,
    private fd: number,
  ) {}

  static open(): RouterAdvertSocket | Error {
    const libc = loadIoLibc();
    if (libc instanceof Error) return libc;
    const fd = libc.socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (fd < 0) return sysError(libc.errno(), 'socket', 'raw ICMPv6 (needs CAP_NET_RAW)');
    try {
      check(
        libc,
        libc.setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, intBuf(255), 4),
        'setsockopt',
        'IPV6_MULTICAST_HOPS',
      );
      check(
        libc,
        libc.setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, intBuf(0), 4),
        'setsockopt',
        'IPV6_MULTICAST_LOOP',
      );
      // Send only: every ICMPv6 type blocked, so nothing queues up unread.
      const blockAll = Buffer.alloc(32, 0xff);
      check(
        libc,
        libc.setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, blockAll, 32),
        'setsockopt',
        'ICMP6_FILTER',
      );
    } catch (err) {
      libc.close(fd);
      return err as SysError;
    }
    return new RouterAdvertSocket(libc, fd);
  }

  /** Sends one RA to all nodes (ff02::1) on interface `index`; the error, if any. */
  send(index: number, ra: Buffer): SysError | undefined {
    if (this.fd < 0) return sysError(9, 'sendto', 'socket closed');
    const len = writeSockaddr(this.sockaddr, 6, ALL_NODES, 0, index);
    const rc = this.libc.sendto(this.fd, ra, ra.length, MSG_DONTWAIT, this.sockaddr, len);
    return rc < 0
      ? sysError(this.libc.errno(), 'sendto', `router advertisement on interface ${index}`)
      : undefined;
  }

  close(): void {
    if (this.fd >= 0) this.libc.close(this.fd);
    this.fd = -1;
  }
}
