// Public surface of the pure BGP-4 codec. Nothing in src/wire imports sockets, clocks or config.

export { decodeAsPath, encodeAsPath } from './attributes/as-path.js';
export { mergeAs4Path } from './attributes/as4-path.js';
export * from './attributes/attribute-block.js';
export type * from './attributes/types.js';
export * from './capabilities/capability-codec.js';
export type * from './capabilities/types.js';
export * from './context.js';
export * from './errors.js';
export * from './format.js';
export * from './framer.js';
export * from './header.js';
export * from './host-address.js';
export * from './keepalive.js';
export * from './message.js';
export * from './nearest.js';
export * from './nlri.js';
export * from './notification.js';
export * from './notification-codes.js';
export * from './open.js';
export * from './prefix.js';
export * from './reader.js';
export * from './registry.js';
export * from './route-refresh.js';
export * from './update.js';
export * from './update-packer.js';
export * from './writer.js';
