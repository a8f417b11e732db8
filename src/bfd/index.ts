// Herald's native BFD (RFC 5880 asynchronous mode, RFC 5881 single-hop, RFC 5883 multihop).
export { authentic, authKey, authSectionFor, type BfdAuthConfig, BfdAuthConfigError, sign } from './auth.js';
export type { AuthSection } from './auth-section.js';
export { BfdDemux, canonicalAddress } from './demux.js';
export {
  type BfdCounters,
  type BfdLink,
  BfdSession,
  type BfdSessionOptions,
  type BfdSessionView,
  type BfdTimingConfig,
  jitteredInterval,
} from './driver.js';
export { detectionTime, initialState, step, transmitInterval } from './fsm.js';
export type * from './fsm-types.js';
export {
  type BfdHandle,
  type BfdListener,
  BfdManager,
  type BfdManagerOptions,
  type BfdPeerSpec,
  type BfdSessionInfo,
  BfdSpecConflictError,
  mergeTiming,
  sessionKey,
} from './manager.js';
export { managerRunner } from './manager-runner.js';
export type { BfdAttachment, BfdEndpoint, BfdNetwork, BfdPacketSink } from './network.js';
export { BfdPacketError, type ControlPacket, decodeControl, encodeControl } from './packet.js';
export * from './registry.js';
export { BfdUdpNetwork, type BfdUdpOptions } from './udp-transport.js';
export { type BfdSessionRunner, BfdWorkerManager } from './worker-manager.js';
