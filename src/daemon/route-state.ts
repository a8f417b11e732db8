// `stateDir`: what the API changed in Herald's own routes, kept across restarts. One JSON file,
// `<stateDir>/announcements.json`, holds the routes announced through the API (as their request
// bodies) and the configured routes withdrawn through the API (their prefixes); nothing else
// (health-check state, learned routes and Kubernetes routes are rebuilt at start). It is written
// after every change, atomically: a temporary file in the same directory, fsync, rename — so a
// crash leaves the old file or the new one, never a torn one. A file that cannot be read in full
// is kept beside it (`announcements.json.rejected`) before anything overwrites it.
import {
  closeSync,
  copyFileSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { AnnouncementBodySchema } from '../config/schema.js';
import { checkSchema } from '../config/validate.js';
import type { LocalRouteSpec } from '../rib/local-routes.js';
import { formatPrefix, parsePrefix } from '../wire/index.js';

export const STATE_FILE = 'announcements.json';
const VERSION = 1;

/** The API's changes to Herald's own routes. */
export interface RouteState {
  /** Routes announced through the API, as announced (request bodies). */
  readonly announced: readonly LocalRouteSpec[];
  /** Configured routes withdrawn through the API (prefixes). */
  readonly withdrawn: readonly string[];
}

export const EMPTY_STATE: RouteState = { announced: [], withdrawn: [] };

export interface LoadedState {
  readonly state: RouteState;
  /** Entries (or the whole file) that could not be used, each with its path in the file. */
  readonly problems: string[];
  /** Where the unusable file was copied, if it was. */
  readonly keptAs?: string;
}

export class RouteStateFile {
  readonly path: string;

  constructor(readonly dir: string) {
    this.path = join(dir, STATE_FILE);
  }

  /** The saved state; an absent file is an empty state. Never throws for bad content. */
  load(): LoadedState {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: EMPTY_STATE, problems: [] };
      return { state: EMPTY_STATE, problems: [`${this.path}: ${(e as Error).message}`] };
    }
    const { state, problems } = parseState(text);
    if (problems.length === 0) return { state, problems };
    const keptAs = `${this.path}.rejected`;
    copyFileSync(this.path, keptAs);
    return { state, problems: problems.map((p) => `${this.path}: ${p}`), keptAs };
  }

  /** Replaces the file with `state`, atomically. Throws when the directory cannot be written. */
  save(state: RouteState): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const temp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o640);
    try {
      writeSync(fd, `${JSON.stringify({ version: VERSION, ...state }, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    // The rename itself is durable once the directory is synced.
    const dirFd = openSync(this.dir, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
}

/** Reads the file's text: every usable entry, and a problem for each that is not. Pure. */
export function parseState(text: string): { state: RouteState; problems: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { state: EMPTY_STATE, problems: [`not JSON: ${(e as Error).message}`] };
  }
  const o = doc as { version?: unknown; announced?: unknown; withdrawn?: unknown };
  if (typeof doc !== 'object' || doc === null || o.version !== VERSION)
    return { state: EMPTY_STATE, problems: [`version: expected ${VERSION}`] };
  const problems: string[] = [];
  const announced: LocalRouteSpec[] = [];
  const withdrawn: string[] = [];
  if (!Array.isArray(o.announced)) problems.push('announced: must be an array');
  else
    o.announced.forEach((spec, i) => {
      const copy = structuredClone(spec);
      const bad = checkSchema(AnnouncementBodySchema, copy, `announced[${i}]`);
      if (bad.length > 0) problems.push(...bad);
      else announced.push(spec as LocalRouteSpec);
    });
  if (!Array.isArray(o.withdrawn)) problems.push('withdrawn: must be an array');
  else
    o.withdrawn.forEach((p, i) => {
      if (typeof p !== 'string') {
        problems.push(`withdrawn[${i}]: must be a prefix`);
        return;
      }
      try {
        withdrawn.push(formatPrefix(parsePrefix(p)));
      } catch (e) {
        problems.push(`withdrawn[${i}]: ${(e as Error).message}`);
      }
    });
  return { state: { announced, withdrawn }, problems };
}
