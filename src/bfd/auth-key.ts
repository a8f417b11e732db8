// A BFD authentication key as configured (RFC 5880 §6.7), checked without node:crypto: the config
// validator uses this on the daemon's thread, whose sessions (and their signing) run in the worker.
import { type DigestAuthType, digestLength } from './auth-section.js';
import { AUTH_TYPE_NAMES, BfdAuthType, type BfdAuthTypeName } from './registry.js';

export interface BfdAuthConfig {
  readonly type: BfdAuthTypeName;
  /** Auth Key ID, 0–255. */
  readonly keyId: number;
  /** The shared secret (read from a file or the environment by the caller). */
  readonly secret: string;
}

export class BfdAuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BfdAuthConfigError';
  }
}

/** The secret as octets, checked against the length each type allows. */
export function authKey(cfg: BfdAuthConfig): Buffer {
  const type = AUTH_TYPE_NAMES[cfg.type];
  if (type === undefined) throw new BfdAuthConfigError(`unknown BFD authentication type ${cfg.type}`);
  if (!Number.isInteger(cfg.keyId) || cfg.keyId < 0 || cfg.keyId > 255) {
    throw new BfdAuthConfigError(`keyId must be 0..255 (got ${cfg.keyId})`);
  }
  const key = Buffer.from(cfg.secret, 'utf8');
  // RFC 5880 §4.2.2: the password "MUST be from 1 to 16 bytes in length"; §4.3: the MD5 key is
  // padded to 16 bytes; §4.4: the SHA1 key to 20 bytes.
  const max = type === BfdAuthType.SIMPLE_PASSWORD ? 16 : digestLength(type as DigestAuthType);
  if (key.length < 1 || key.length > max) {
    throw new BfdAuthConfigError(`a ${cfg.type} key must be 1..${max} octets (got ${key.length})`);
  }
  return key;
}
