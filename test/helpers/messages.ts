// What an Adj-RIB-Out hands its sink is one message or several back to back (a batch): split by
// the length in each 19-octet header (RFC 4271 §4.1).

/** The whole messages in `chunk`, in order. */
export function splitMessages(chunk: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < chunk.length; ) {
    const length = chunk.readUInt16BE(pos + 16);
    if (length < 19 || pos + length > chunk.length) throw new Error(`a cut message at octet ${pos}`);
    out.push(chunk.subarray(pos, pos + length));
    pos += length;
  }
  return out;
}
