// Test helpers that hand-build MRT records byte by byte, independently of src/mrt.

export function u8(n: number): Buffer {
  return Buffer.from([n]);
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export function ip4(text: string): Buffer {
  return Buffer.from(text.split('.').map(Number));
}

/** Only the `a:b:...::z` forms the tests use; `::` expands to the missing zero groups. */
export function ip6(text: string): Buffer {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.concat(groups.map((g) => u16(Number.parseInt(g, 16))));
}

export interface RecordOptions {
  timestamp?: number;
  /** When set, an Extended Timestamp header is written and Length includes these 4 octets. */
  microseconds?: number;
}

export function mrtRecord(type: number, subtype: number, body: Buffer, opts: RecordOptions = {}): Buffer {
  const payload = opts.microseconds === undefined ? body : Buffer.concat([u32(opts.microseconds), body]);
  return Buffer.concat([
    u32(opts.timestamp ?? 1_700_000_000),
    u16(type),
    u16(subtype),
    u32(payload.length),
    payload,
  ]);
}

export function bgpMessage(type: number, body: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.alloc(16, 0xff), u16(19 + body.length), u8(type), body]);
}

export interface PeeringFields {
  as4: boolean;
  peerAs: number;
  localAs: number;
  ifIndex?: number;
  afi: number;
  peerIp: Buffer;
  localIp: Buffer;
}

export function peering(p: PeeringFields): Buffer {
  const as = p.as4 ? u32 : u16;
  return Buffer.concat([as(p.peerAs), as(p.localAs), u16(p.ifIndex ?? 0), u16(p.afi), p.peerIp, p.localIp]);
}

export interface RibEntryFields {
  peerIndex: number;
  originatedTime: number;
  pathId?: number;
  attributes: Buffer;
}

export function ribEntries(entries: RibEntryFields[]): Buffer {
  return Buffer.concat([
    u16(entries.length),
    ...entries.map((e) =>
      Buffer.concat([
        u16(e.peerIndex),
        u32(e.originatedTime),
        e.pathId === undefined ? Buffer.alloc(0) : u32(e.pathId),
        u16(e.attributes.length),
        e.attributes,
      ]),
    ),
  ]);
}

export interface PeerFields {
  bgpId: string;
  ip: Buffer;
  as: number;
  as4: boolean;
}

export function peerIndexTableBody(collector: string, viewName: string, peers: PeerFields[]): Buffer {
  const name = Buffer.from(viewName, 'utf8');
  return Buffer.concat([
    ip4(collector),
    u16(name.length),
    name,
    u16(peers.length),
    ...peers.map((p) =>
      Buffer.concat([
        u8((p.ip.length === 16 ? 1 : 0) | (p.as4 ? 2 : 0)),
        ip4(p.bgpId),
        p.ip,
        p.as4 ? u32(p.as) : u16(p.as),
      ]),
    ),
  ]);
}

/** ORIGIN IGP + AS_PATH [65001, 65002] with 4-octet ASNs: a plausible attribute blob. */
export const SAMPLE_ATTRIBUTES = Buffer.from([
  0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe9, 0x00, 0x00, 0xfd, 0xea,
]);
