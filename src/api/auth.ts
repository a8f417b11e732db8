// Bearer-token authentication for the REST API: every mutating call needs the token when one is
// configured, reads too with api.authenticateReads; health probes stay open. The token is read
// from the live config, so a reload can rotate it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiConfig } from '../config/types.js';
import { ApiError } from './errors.js';

const OPEN_PATHS = new Set(['/healthz', '/readyz']);

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares in constant time (hashes first, so the lengths match too). */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Throws 401 unless the request may go ahead under `api` (the current API config). */
export function authenticate(req: FastifyRequest, api: ApiConfig | false): void {
  if (api === false || !api.token) return;
  const path = req.url.split('?')[0] ?? '';
  if (OPEN_PATHS.has(path)) return;
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (read && !api.authenticateReads) return;
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m?.[1]) throw new ApiError(401, 'unauthorized', 'an Authorization: Bearer <token> header is required');
  if (!sameToken(m[1], api.token)) throw new ApiError(401, 'unauthorized', 'the bearer token is not valid');
}
