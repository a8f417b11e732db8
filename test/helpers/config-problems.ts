import { ConfigError } from '../../src/config/validate.js';

/** The problems of the ConfigError `f` throws ([] when it throws none; anything else is rethrown). */
export function configProblems(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}
