// Secrets in the config (TCP MD5 keys, the API token, BFD keys): given inline, in a file or in an
// environment variable, at most one of the three. Problems are named by path; values never are.
import { md5KeyProblem } from '../sys/libc.js';
import { readTextBounded, SECRET_MAX_BYTES } from './read-bounded.js';

/** The value of secret `name` of object `o` at `path`: `name`, `${name}File` or `${name}Env`. */
export function secret(
  problems: string[],
  path: string,
  name: string,
  o: Record<string, unknown>,
): string | undefined {
  const inline = o[name] as string | undefined;
  const file = o[`${name}File`] as string | undefined;
  const env = o[`${name}Env`] as string | undefined;
  if ([inline, file, env].filter((x) => x !== undefined).length > 1) {
    problems.push(`${path}.${name}: give one of ${name}, ${name}File, ${name}Env`);
    return undefined;
  }
  if (file !== undefined) {
    try {
      const value = readTextBounded(file, SECRET_MAX_BYTES).trim();
      if (value === '') problems.push(`${path}.${name}File: ${file} is empty`);
      return value || undefined;
    } catch (e) {
      problems.push(`${path}.${name}File: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`);
    }
  }
  if (env !== undefined) {
    const v = process.env[env];
    if (!v) problems.push(`${path}.${name}Env: environment variable ${env} is not set`);
    return v || undefined;
  }
  return inline;
}

/** A TCP MD5 key (`password`, `passwordFile` or `passwordEnv`), checked against what Linux takes. */
export function md5Key(problems: string[], path: string, o: Record<string, unknown>): string | undefined {
  const key = secret(problems, path, 'password', o);
  const problem = key ? md5KeyProblem(key) : undefined;
  if (problem) problems.push(`${path}.password: ${problem}`);
  return key;
}
