// Public surface of the health-check engine (health-checked announcements).

export * from './monitor.js';
export * from './probe.js';
export { nextState } from './rise-fall.js';
export * from './spec.js';
export type * from './types.js';
