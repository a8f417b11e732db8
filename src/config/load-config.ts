// Reads a YAML config file and returns the validated, normalized config. YAML syntax errors name
// the line; validation errors name the path.
import { parseDocument } from 'yaml';
import { CONFIG_MAX_BYTES, readTextBounded } from './read-bounded.js';
import type { HeraldConfig } from './types.js';
import { ConfigError, validateConfig } from './validate.js';

export function parseConfig(text: string, source = 'config'): HeraldConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${source}: ${e.message.split('\n')[0]}`));
  }
  let value: unknown;
  try {
    // Resolving aliases can throw: the parser refuses a document whose aliases would expand it
    // beyond bounds (a "billion laughs" file), and that is a bad config like any other.
    value = doc.toJS();
  } catch (e) {
    throw new ConfigError([`${source}: ${(e as Error).message}`]);
  }
  return validateConfig(value);
}

export function loadConfig(path: string): HeraldConfig {
  let text: string;
  try {
    text = readTextBounded(path, CONFIG_MAX_BYTES);
  } catch (e) {
    throw new ConfigError([
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    ]);
  }
  return parseConfig(text, path);
}
