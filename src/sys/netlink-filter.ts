// A classic BPF socket filter for a netlink socket that drops the messages whose nlmsg_pid is one
// port id: the notifications the kernel multicasts about changes a given socket of ours requested
// (rtnl_notify passes the requester's port id). A full table installed brings one notification per
// route; dropped in the kernel, they cost no recv(2), no decoding, no receive-buffer space.
//
//   "struct sock_filter { __u16 code; __u8 jt; __u8 jf; __u32 k; }" — <linux/filter.h>
//   BPF_LD|BPF_W|BPF_ABS loads a 32-bit word in network byte order; netlink headers are in host
//   (little-endian) order, so the port id is compared byte-swapped. A return of 0 drops the packet.

const BPF_LD_W_ABS = 0x20;
const BPF_JMP_JEQ_K = 0x15;
const BPF_RET_K = 0x06;
/** Offset of nlmsg_pid in struct nlmsghdr. */
const NLMSG_PID_OFFSET = 12;
export const SOCK_FILTER_LEN = 8;

function byteSwap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/** The program (struct sock_filter[4]) dropping messages from `portId`. */
export function dropPortIdFilter(portId: number): Buffer {
  const code: Array<[number, number, number, number]> = [
    [BPF_LD_W_ABS, 0, 0, NLMSG_PID_OFFSET],
    [BPF_JMP_JEQ_K, 0, 1, byteSwap32(portId)],
    [BPF_RET_K, 0, 0, 0],
    [BPF_RET_K, 0, 0, 0xffffffff],
  ];
  const out = Buffer.alloc(code.length * SOCK_FILTER_LEN);
  code.forEach(([op, jt, jf, k], i) => {
    const at = i * SOCK_FILTER_LEN;
    out.writeUInt16LE(op, at);
    out[at + 2] = jt;
    out[at + 3] = jf;
    out.writeUInt32LE(k, at + 4);
  });
  return out;
}
