// A minimal client for GoBGP 3.10's gRPC API, just enough to add and withdraw many routes fast and
// exactly: one AddPathStream call carrying paths with `nlri_binary` / `pattrs_binary` (BGP wire
// encodings, which gobgpd decodes itself), over HTTP/2 on gobgpd's unix socket. Self-contained on
// purpose: it must not share code with Herald's codec.
//
// Why not the CLI: `gobgp global rib add/del` costs ~12 ms per route, and `gobgp mrt inject` (3.10)
// exits without closing its stream (no CloseAndRecv, fixed upstream later), so gobgpd drops what
// it had not processed yet — ~15% of 1,000 routes in a test. Here the call ends with the server's
// response, after gobgpd has applied every path.
import http2 from 'node:http2';
import net, { isIPv4, isIPv6 } from 'node:net';
import { communityValue, parseExtCommunity, type RouteSpec } from './peers/peer.js';

const ORIGIN_CODE = { igp: 0, egp: 1, incomplete: 2 } as const;

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function ipv4Bytes(a: string): Buffer {
  if (!isIPv4(a)) throw new Error(`not an IPv4 address: ${a}`);
  return Buffer.from(a.split('.').map(Number));
}

export function ipv6Bytes(a: string): Buffer {
  if (!isIPv6(a)) throw new Error(`not an IPv6 address: ${a}`);
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const parse = (s: string | undefined): number[] => {
    if (!s) return [];
    const groups: number[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const v4 = ipv4Bytes(g);
        groups.push(v4.readUInt16BE(0), v4.readUInt16BE(2));
      } else groups.push(Number.parseInt(g, 16));
    }
    return groups;
  };
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => {
    b.writeUInt16BE(g, i * 2);
  });
  return b;
}

/** Prefix length byte plus the significant octets. */
export function prefixBytes(prefix: string): Buffer {
  const [addr, lenStr] = prefix.split('/');
  const len = Number(lenStr);
  const full = addr.includes(':') ? ipv6Bytes(addr) : ipv4Bytes(addr);
  return Buffer.concat([Buffer.from([len]), full.subarray(0, Math.ceil(len / 8))]);
}

function attr(flags: number, type: number, value: Buffer): Buffer {
  if (value.length > 255) return Buffer.concat([Buffer.from([flags | 0x10, type]), u16(value.length), value]);
  return Buffer.concat([Buffer.from([flags, type, value.length]), value]);
}

function extCommunityBytes(s: string): Buffer {
  const e = parseExtCommunity(s);
  const sub = e.kind === 'rt' ? 0x02 : 0x03;
  switch (e.form) {
    case 'as2':
      return Buffer.concat([Buffer.from([0x00, sub]), u16(Number(e.global)), u32(e.local)]);
    case 'ip':
      return Buffer.concat([Buffer.from([0x01, sub]), ipv4Bytes(e.global), u16(e.local)]);
    default:
      return Buffer.concat([Buffer.from([0x02, sub]), u32(Number(e.global)), u16(e.local)]);
  }
}

/** The BGP path attributes of a route, each one encoded (flags, type, length, value). */
export function encodeAttributes(r: RouteSpec): Buffer[] {
  const v6 = r.prefix.includes(':');
  const parts: Buffer[] = [];
  parts.push(attr(0x40, 1, Buffer.from([ORIGIN_CODE[r.origin ?? 'igp']])));
  const asns = r.asPath ?? [];
  const segs: Buffer[] = [];
  for (let i = 0; i < asns.length; i += 255) {
    const chunk = asns.slice(i, i + 255);
    segs.push(Buffer.from([2, chunk.length]), ...chunk.map(u32));
  }
  parts.push(attr(0x40, 2, Buffer.concat(segs)));
  if (!v6) parts.push(attr(0x40, 3, ipv4Bytes(r.nextHop ?? '0.0.0.0')));
  if (r.med !== undefined) parts.push(attr(0x80, 4, u32(r.med)));
  if (r.localPref !== undefined) parts.push(attr(0x40, 5, u32(r.localPref)));
  if (r.communities?.length)
    parts.push(attr(0xc0, 8, Buffer.concat(r.communities.map((c) => u32(communityValue(c))))));
  if (v6) {
    const nh = ipv6Bytes(r.nextHop ?? '::');
    parts.push(
      attr(
        0x80,
        14,
        Buffer.concat([u16(2), Buffer.from([1, 16]), nh, Buffer.from([0]), prefixBytes(r.prefix)]),
      ),
    );
  }
  if (r.extendedCommunities?.length) {
    parts.push(attr(0xc0, 16, Buffer.concat(r.extendedCommunities.map(extCommunityBytes))));
  }
  if (r.largeCommunities?.length) {
    const vals = r.largeCommunities.map((s) => Buffer.concat(s.split(':').map((x) => u32(Number(x)))));
    parts.push(attr(0xc0, 32, Buffer.concat(vals)));
  }
  return parts;
}

// ------------------------------------------------------------------ protobuf (hand-encoded)
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
const fieldVarint = (field: number, v: number): Buffer => Buffer.concat([varint(field << 3), varint(v)]);
const fieldBytes = (field: number, b: Buffer): Buffer =>
  Buffer.concat([varint((field << 3) | 2), varint(b.length), b]);

/** apipb.Path with nlri_binary (20), pattrs_binary (21), family (9), is_withdraw (5). */
function pathMessage(r: RouteSpec, withdraw: boolean): Buffer {
  const v6 = r.prefix.includes(':');
  const family = Buffer.concat([fieldVarint(1, v6 ? 2 : 1), fieldVarint(2, 1)]);
  const parts = [fieldBytes(9, family), fieldBytes(20, prefixBytes(r.prefix))];
  if (withdraw) parts.push(fieldVarint(5, 1));
  else for (const a of encodeAttributes(r)) parts.push(fieldBytes(21, a));
  return Buffer.concat(parts);
}

/** gRPC length-prefixed message. */
function grpcFrame(msg: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h.writeUInt32BE(msg.length, 1);
  return Buffer.concat([h, msg]);
}

/**
 * Adds (or, with withdraw, removes) locally originated routes in GoBGP's global RIB through one
 * AddPathStream call on gobgpd's unix socket (`--api-hosts unix://…`). Resolves once gobgpd has
 * processed all of them; rejects with the gRPC status otherwise.
 */
export function addPathStream(
  socketPath: string,
  routes: RouteSpec[],
  withdraw = false,
  timeoutMs = 60_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = http2.connect('http://localhost', { createConnection: () => net.connect(socketPath) });
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.close();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      client.destroy();
      finish(new Error(`gobgp AddPathStream timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    client.on('error', (e) => finish(e));
    const req = client.request({
      ':method': 'POST',
      ':path': '/apipb.GobgpApi/AddPathStream',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    let status: string | undefined;
    let message = '';
    const onHeaders = (h: http2.IncomingHttpHeaders): void => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
    };
    req.on('response', onHeaders);
    req.on('trailers', onHeaders);
    req.on('data', () => {});
    req.on('error', (e) => finish(e));
    req.on('close', () => {
      if (status === '0') finish();
      else finish(new Error(`gobgp AddPathStream failed: grpc-status ${status ?? '?'} ${message}`));
    });
    // AddPathStreamRequest { table_type = GLOBAL (0, default); paths = 3 }, ≤ 500 paths per message
    for (let i = 0; i < routes.length; i += 500) {
      const paths = routes.slice(i, i + 500).map((r) => fieldBytes(3, pathMessage(r, withdraw)));
      req.write(grpcFrame(Buffer.concat(paths)));
    }
    req.end();
  });
}
