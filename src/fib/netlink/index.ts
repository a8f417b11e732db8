// The rtnetlink codec: pure (Buffers in, values out, and back), no sockets, no clock.
export * from './address.js';
export { attrString, forEachAttr } from './attributes.js';
export * from './constants.js';
export * from './errors.js';
export * from './header.js';
export * from './ip.js';
export * from './link.js';
export * from './neighbor.js';
export * from './route.js';
export { NetlinkWriter } from './writer.js';
