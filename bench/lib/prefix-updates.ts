// Synthetic UPDATE messages for the churn and fan-in benches: runs of distinct /24s, announced with
// plain iBGP attributes or withdrawn, packed into messages of at most 4,096 octets (RFC 4271 §4:
// "The maximum message size is 4096 octets"). Independent of src/ on purpose.

const MAX_MESSAGE = 4096;
const HEADER = 19;

/** The i-th /24 of the benches' range: 20.0.0.0/24, 20.0.1.0/24, … (up to 20.255.255.0/24 and on). */
export function slash24(i: number): [number, number, number] {
  return [20 + Math.floor(i / 65536), Math.floor(i / 256) % 256, i % 256];
}

function message(body: Buffer): Buffer {
  const head = Buffer.alloc(HEADER, 0xff);
  head.writeUInt16BE(HEADER + body.length, 16);
  head[18] = 2; // UPDATE
  return Buffer.concat([head, body]);
}

/** ORIGIN IGP, empty AS_PATH (iBGP), NEXT_HOP, LOCAL_PREF 100. */
function ibgpAttributes(nextHop: string): Buffer {
  const nh = nextHop.split('.').map(Number);
  return Buffer.from([0x40, 1, 1, 0, 0x40, 2, 0, 0x40, 3, 4, ...nh, 0x40, 5, 4, 0, 0, 0, 100]);
}

/** NLRI fields (length octet + 3 address octets per /24) split so each fits in one message. */
function nlriChunks(first: number, count: number, room: number): Buffer[] {
  const per = Math.floor(room / 4);
  const out: Buffer[] = [];
  for (let start = first; start < first + count; start += per) {
    const n = Math.min(per, first + count - start);
    const b = Buffer.alloc(n * 4);
    for (let k = 0; k < n; k++) {
      b[k * 4] = 24;
      b.set(slash24(start + k), k * 4 + 1);
    }
    out.push(b);
  }
  return out;
}

/** UPDATEs announcing /24s number `first` … `first + count - 1` with next hop `nextHop`. */
export function announce(first: number, count: number, nextHop: string): Buffer {
  const attrs = ibgpAttributes(nextHop);
  const room = MAX_MESSAGE - HEADER - 4 - attrs.length;
  const msgs = nlriChunks(first, count, room).map((nlri) => {
    const lens = Buffer.alloc(4);
    lens.writeUInt16BE(attrs.length, 2); // no withdrawn routes, then the attributes' length
    return message(Buffer.concat([lens, attrs, nlri]));
  });
  return Buffer.concat(msgs);
}

/** UPDATEs withdrawing /24s number `first` … `first + count - 1` (Withdrawn Routes field only). */
export function withdraw(first: number, count: number): Buffer {
  const room = MAX_MESSAGE - HEADER - 4;
  const msgs = nlriChunks(first, count, room).map((w) => {
    const body = Buffer.alloc(4 + w.length);
    body.writeUInt16BE(w.length, 0);
    w.copy(body, 2);
    body.writeUInt16BE(0, 2 + w.length); // no path attributes, no NLRI
    return message(body);
  });
  return Buffer.concat(msgs);
}
