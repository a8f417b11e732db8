// The one error type of the netlink codec. Decoders never let a RangeError or a TypeError escape on
// malformed input: every length is checked first and reported as a NetlinkDecodeError naming what
// was short or wrong. Encoders report a value they cannot encode (or a full buffer) the same way.

export type NetlinkErrorCode =
  /** A length field points past the data, or is smaller than its own header. */
  | 'truncated'
  /** A fixed-size attribute has the wrong size (e.g. a 5-byte IPv4 address). */
  | 'badAttribute'
  /** An address family Herald does not decode (routes of AF_MPLS, AF_BRIDGE, nexthop objects). */
  | 'unsupportedFamily'
  /** The message type is not the one the decoder reads. */
  | 'wrongType'
  /** Encoding: the value cannot be written (bad address, out of range) or the buffer is full. */
  | 'badValue'
  | 'bufferFull';

export class NetlinkDecodeError extends Error {
  override readonly name = 'NetlinkDecodeError';
  constructor(
    readonly code: NetlinkErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function fail(code: NetlinkErrorCode, message: string): never {
  throw new NetlinkDecodeError(code, message);
}
