// RFC 5492 §4 capability TLVs inside the Capabilities optional parameter:
//
//   +------------------------------+
//   | Capability Code (1 octet)    |
//   +------------------------------+
//   | Capability Length (1 octet)  |
//   +------------------------------+
//   | Capability Value (variable)  |
//   +------------------------------+
import { Notification } from '../errors.js';
import { ErrorCode, OpenSubcode } from '../notification-codes.js';
import { Reader } from '../reader.js';
import { type AddPathDirection, CapabilityCode } from '../registry.js';
import type { Writer } from '../writer.js';
import type { Capability } from './types.js';

function malformed(name: string, reason: string): Notification {
  return new Notification(
    ErrorCode.OPEN_MESSAGE,
    OpenSubcode.UNSPECIFIC,
    undefined,
    `${name} capability: ${reason}`,
  );
}

function expectLen(value: Buffer, ok: (n: number) => boolean, name: string): void {
  if (!ok(value.length)) throw malformed(name, `bad length ${value.length}`);
}

function reader(value: Buffer): Reader {
  return new Reader(value, 0, value.length, ErrorCode.OPEN_MESSAGE, OpenSubcode.UNSPECIFIC);
}

/** Decodes one capability value. Throws a Notification (OPEN Message Error) when malformed. */
export function decodeCapability(code: number, value: Buffer): Capability {
  switch (code) {
    case CapabilityCode.MULTIPROTOCOL:
      // RFC 4760 §8: AFI (2), Reserved (1), SAFI (1).
      expectLen(value, (n) => n === 4, 'multiprotocol');
      return { kind: 'multiprotocol', afi: value.readUInt16BE(0), safi: value[3] };
    case CapabilityCode.ROUTE_REFRESH:
      expectLen(value, (n) => n === 0, 'route refresh');
      return { kind: 'route-refresh' };
    case CapabilityCode.ENHANCED_ROUTE_REFRESH:
      expectLen(value, (n) => n === 0, 'enhanced route refresh');
      return { kind: 'enhanced-route-refresh' };
    case CapabilityCode.EXTENDED_MESSAGE:
      expectLen(value, (n) => n === 0, 'extended message');
      return { kind: 'extended-message' };
    case CapabilityCode.AS4:
      // RFC 6793 §3: "the Capability Value field ... contains the 4-octet AS number".
      expectLen(value, (n) => n === 4, '4-octet AS');
      return { kind: 'as4', asn: value.readUInt32BE(0) };
    case CapabilityCode.ROLE:
      // RFC 9234 §4.1: "Capability Length: 1 octet".
      expectLen(value, (n) => n === 1, 'BGP role');
      return { kind: 'role', role: value[0] };
    case CapabilityCode.GRACEFUL_RESTART: {
      // RFC 4724 §3: Restart Flags (4 bits) | Restart Time (12 bits), then (AFI, SAFI, Flags) × n.
      expectLen(value, (n) => n >= 2 && (n - 2) % 4 === 0, 'graceful restart');
      const head = value.readUInt16BE(0);
      const families = [];
      for (let i = 2; i < value.length; i += 4) {
        families.push({
          afi: value.readUInt16BE(i),
          safi: value[i + 2],
          forwarding: (value[i + 3] & 0x80) !== 0,
        });
      }
      return {
        kind: 'graceful-restart',
        restarting: (head & 0x8000) !== 0,
        notification: (head & 0x4000) !== 0,
        restartTime: head & 0x0fff,
        families,
      };
    }
    case CapabilityCode.LONG_LIVED_GRACEFUL_RESTART: {
      // RFC 9494 §3: (AFI (2), SAFI (1), Flags (1), Long-lived Stale Time (3)) × n.
      expectLen(value, (n) => n % 7 === 0, 'long-lived graceful restart');
      const families = [];
      for (let i = 0; i < value.length; i += 7) {
        families.push({
          afi: value.readUInt16BE(i),
          safi: value[i + 2],
          forwarding: (value[i + 3] & 0x80) !== 0,
          staleTime: value.readUIntBE(i + 4, 3),
        });
      }
      return { kind: 'long-lived-graceful-restart', families };
    }
    case CapabilityCode.ADD_PATH: {
      // RFC 7911 §4: (AFI (2), SAFI (1), Send/Receive (1)) × n.
      expectLen(value, (n) => n > 0 && n % 4 === 0, 'add-path');
      const families = [];
      for (let i = 0; i < value.length; i += 4) {
        const direction = value[i + 3];
        if (direction < 1 || direction > 3) throw malformed('add-path', `Send/Receive value ${direction}`);
        families.push({
          afi: value.readUInt16BE(i),
          safi: value[i + 2],
          direction: direction as AddPathDirection,
        });
      }
      return { kind: 'add-path', families };
    }
    case CapabilityCode.EXTENDED_NEXT_HOP: {
      // RFC 8950 §3: (NLRI AFI (2), NLRI SAFI (2), Nexthop AFI (2)) × n.
      expectLen(value, (n) => n > 0 && n % 6 === 0, 'extended next hop');
      const entries = [];
      for (let i = 0; i < value.length; i += 6) {
        entries.push({
          afi: value.readUInt16BE(i),
          safi: value.readUInt16BE(i + 2),
          nextHopAfi: value.readUInt16BE(i + 4),
        });
      }
      return { kind: 'extended-next-hop', entries };
    }
    case CapabilityCode.FQDN: {
      // Hostname Length (1), Hostname, Domain Name Length (1), Domain Name.
      const r = reader(value);
      const hostname = r.bytes(r.u8('hostname length'), 'hostname').toString('utf8');
      const domain = r.remaining > 0 ? r.bytes(r.u8('domain length'), 'domain name').toString('utf8') : '';
      return { kind: 'fqdn', hostname, domain };
    }
    default:
      return { kind: 'unknown', code, value };
  }
}

/** Writes one capability TLV (code, length, value). */
export function encodeCapability(w: Writer, c: Capability): void {
  const code = capabilityCode(c);
  w.u8(code);
  const at = w.reserve8();
  switch (c.kind) {
    case 'multiprotocol':
      w.u16(c.afi);
      w.u8(0);
      w.u8(c.safi);
      break;
    case 'as4':
      w.u32(c.asn);
      break;
    case 'role':
      w.u8(c.role);
      break;
    case 'graceful-restart':
      w.u16((c.restarting ? 0x8000 : 0) | (c.notification ? 0x4000 : 0) | (c.restartTime & 0x0fff));
      for (const f of c.families) {
        w.u16(f.afi);
        w.u8(f.safi);
        w.u8(f.forwarding ? 0x80 : 0);
      }
      break;
    case 'long-lived-graceful-restart':
      for (const f of c.families) {
        w.u16(f.afi);
        w.u8(f.safi);
        w.u8(f.forwarding ? 0x80 : 0);
        w.u8((f.staleTime >>> 16) & 0xff);
        w.u16(f.staleTime & 0xffff);
      }
      break;
    case 'add-path':
      for (const f of c.families) {
        w.u16(f.afi);
        w.u8(f.safi);
        w.u8(f.direction);
      }
      break;
    case 'extended-next-hop':
      for (const e of c.entries) {
        w.u16(e.afi);
        w.u16(e.safi);
        w.u16(e.nextHopAfi);
      }
      break;
    case 'fqdn': {
      const host = Buffer.from(c.hostname, 'utf8');
      const domain = Buffer.from(c.domain, 'utf8');
      w.u8(host.length);
      w.bytes(host);
      w.u8(domain.length);
      w.bytes(domain);
      break;
    }
    case 'unknown':
      w.bytes(c.value);
      break;
    default:
      break;
  }
  w.patch8(at);
}

const CODE_BY_KIND: Record<Exclude<Capability['kind'], 'unknown'>, number> = {
  multiprotocol: CapabilityCode.MULTIPROTOCOL,
  'route-refresh': CapabilityCode.ROUTE_REFRESH,
  'enhanced-route-refresh': CapabilityCode.ENHANCED_ROUTE_REFRESH,
  'extended-message': CapabilityCode.EXTENDED_MESSAGE,
  as4: CapabilityCode.AS4,
  role: CapabilityCode.ROLE,
  'graceful-restart': CapabilityCode.GRACEFUL_RESTART,
  'long-lived-graceful-restart': CapabilityCode.LONG_LIVED_GRACEFUL_RESTART,
  'add-path': CapabilityCode.ADD_PATH,
  'extended-next-hop': CapabilityCode.EXTENDED_NEXT_HOP,
  fqdn: CapabilityCode.FQDN,
};

export function capabilityCode(c: Capability): number {
  return c.kind === 'unknown' ? c.code : CODE_BY_KIND[c.kind];
}
