// KEEPALIVE, RFC 4271 §4.4: "a KEEPALIVE message consists of only the message header and has a
// length of 19 octets".
import { finishMessage, startMessage } from './header.js';
import { MessageType } from './registry.js';
import { Writer } from './writer.js';

export function writeKeepalive(w: Writer): void {
  finishMessage(w, startMessage(w, MessageType.KEEPALIVE));
}

/** The 19 octets of a KEEPALIVE, built once. */
export const KEEPALIVE: Buffer = (() => {
  const w = Writer.alloc(19);
  writeKeepalive(w);
  return w.buf;
})();
