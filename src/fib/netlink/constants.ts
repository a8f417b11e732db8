// rtnetlink numbers, as `as const` registries. Values from the Linux UAPI headers (checked against
// linux-libc-dev for kernel 6.1: <linux/netlink.h>, <linux/rtnetlink.h>, <linux/if_addr.h>,
// <linux/if_link.h>, <linux/if.h>); they are ABI and the same on every architecture.

/** nlmsghdr.nlmsg_type: control messages (< 0x10) and the rtnetlink messages Herald uses. */
export const MessageType = {
  NOOP: 1,
  ERROR: 2,
  DONE: 3,
  OVERRUN: 4,
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
  NEWNEIGH: 28,
  DELNEIGH: 29,
  GETNEIGH: 30,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** nlmsghdr.nlmsg_flags. The 0x100–0x800 bits mean different things for NEW, DEL and GET requests. */
export const Flag = {
  REQUEST: 0x01,
  MULTI: 0x02,
  ACK: 0x04,
  ECHO: 0x08,
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  /** GET: ROOT | MATCH. */
  DUMP: 0x300,
  /** NEW: override existing. */
  REPLACE: 0x100,
  /** NEW: do not touch, if it exists. */
  EXCL: 0x200,
  /** NEW: create, if it does not exist. */
  CREATE: 0x400,
  APPEND: 0x800,
  /** NLMSG_ERROR: the request was capped (NETLINK_CAP_ACK). */
  CAPPED: 0x100,
  /** NLMSG_ERROR: extended ack TLVs follow. */
  ACK_TLVS: 0x200,
} as const;

/** enum nlmsgerr_attrs. */
export const ErrAttr = { MSG: 1, OFFS: 2, COOKIE: 3, POLICY: 4, MISS_TYPE: 5, MISS_NEST: 6 } as const;

/** enum rtattr_type_t (route attributes). */
export const RouteAttr = {
  DST: 1,
  SRC: 2,
  IIF: 3,
  OIF: 4,
  GATEWAY: 5,
  PRIORITY: 6,
  PREFSRC: 7,
  METRICS: 8,
  MULTIPATH: 9,
  FLOW: 11,
  CACHEINFO: 12,
  TABLE: 15,
  MARK: 16,
  VIA: 18,
  PREF: 20,
  EXPIRES: 23,
  PAD: 24,
  NH_ID: 30,
} as const;

/** rtm_type. */
export const RouteType = {
  UNSPEC: 0,
  UNICAST: 1,
  LOCAL: 2,
  BROADCAST: 3,
  ANYCAST: 4,
  MULTICAST: 5,
  BLACKHOLE: 6,
  UNREACHABLE: 7,
  PROHIBIT: 8,
  THROW: 9,
} as const;

/** rtm_scope. */
export const Scope = { UNIVERSE: 0, SITE: 200, LINK: 253, HOST: 254, NOWHERE: 255 } as const;

/** rtm_table / RTA_TABLE. Values above 255 exist only as RTA_TABLE (rtm_table then says COMPAT). */
export const Table = { UNSPEC: 0, COMPAT: 252, DEFAULT: 253, MAIN: 254, LOCAL: 255 } as const;

/** rtm_protocol values the kernel and iproute2 reserve (see `Protocol` in ../rt-protocol.ts for Herald's). */
export const RouteProtocol = { UNSPEC: 0, REDIRECT: 1, KERNEL: 2, BOOT: 3, STATIC: 4 } as const;

/** rtnexthop.rtnh_flags. */
export const NextHopFlag = { DEAD: 1, PERVASIVE: 2, ONLINK: 4, OFFLOAD: 8, LINKDOWN: 16 } as const;

/** rtm_flags (request/response bits). */
export const RouteFlag = { NOTIFY: 0x100, CLONED: 0x200, LOOKUP_TABLE: 0x1000, FIB_MATCH: 0x2000 } as const;

/** enum ifla (link attributes Herald reads). */
export const LinkAttr = { ADDRESS: 1, IFNAME: 3, MTU: 4, MASTER: 10, OPERSTATE: 16, LINKINFO: 18 } as const;

/** IFLA_INFO_* (nested in IFLA_LINKINFO) and IFLA_VRF_* (nested in IFLA_INFO_DATA of a "vrf" link). */
export const LinkInfoAttr = { KIND: 1, DATA: 2 } as const;
export const VrfAttr = { TABLE: 1 } as const;

/** ifi_flags bits. */
export const LinkFlag = { UP: 0x1, RUNNING: 0x40, LOWER_UP: 0x10000 } as const;

/** IF_OPER_* (RFC 2863 operational states, IFLA_OPERSTATE). */
export const OperState = {
  UNKNOWN: 0,
  NOTPRESENT: 1,
  DOWN: 2,
  LOWERLAYERDOWN: 3,
  TESTING: 4,
  DORMANT: 5,
  UP: 6,
} as const;

/** enum ifa (address attributes). */
export const AddrAttr = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, CACHEINFO: 6, FLAGS: 8 } as const;

/** ifa_flags bits (IFA_FLAGS carries the full 32-bit set). */
export const AddrFlag = {
  SECONDARY: 0x01,
  NODAD: 0x02,
  DADFAILED: 0x08,
  TENTATIVE: 0x40,
  PERMANENT: 0x80,
} as const;

/** enum rtnetlink_groups: multicast groups for bind()/NETLINK_ADD_MEMBERSHIP. */
export const Group = {
  LINK: 1,
  NEIGH: 3,
  IPV4_IFADDR: 5,
  IPV4_ROUTE: 7,
  IPV6_IFADDR: 9,
  IPV6_ROUTE: 11,
} as const;

/** enum nda (neighbor attributes). */
export const NeighAttr = { DST: 1, LLADDR: 2 } as const;

/** ndm_flags: NTF_ROUTER marks a neighbor known to be a router (it sent a Router Advertisement). */
export const NeighFlag = { ROUTER: 0x80 } as const;

/** Address families as they appear in rtm_family / ifa_family / rtvia_family. */
export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;

/** sizeof(struct nlmsghdr), sizeof(struct rtmsg), sizeof(struct ifinfomsg), sizeof(struct ifaddrmsg), sizeof(struct rtnexthop). */
export const NLMSG_HDRLEN = 16;
export const RTMSG_LEN = 12;
export const IFINFOMSG_LEN = 16;
export const IFADDRMSG_LEN = 8;
export const NDMSG_LEN = 12;
export const RTNEXTHOP_LEN = 8;
export const RTATTR_HDRLEN = 4;

/** NLMSG_ALIGN / RTA_ALIGN / RTNH_ALIGN: all round up to 4. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}
