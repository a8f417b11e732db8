// How long a fuzz property runs. In the normal test run: a fixed seed and a few hundred cases
// (deterministic, a second or two). Under `npm run fuzz` (FUZZ_SECONDS set by scripts/fuzz.ts): a
// random seed, as many cases as fit in the property's share of the time, and the seed printed so a
// failure can be replayed with FUZZ_SEED.
import type { Parameters } from 'fast-check';

const SECONDS = Number(process.env.FUZZ_SECONDS ?? 0);
export const CAMPAIGN = SECONDS > 0;

/** fast-check parameters for a property that gets `share` (0..1) of the campaign. */
export function budget<T>(share: number, quickRuns: number): Parameters<T> {
  if (!CAMPAIGN) return { numRuns: quickRuns, seed: 16 };
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
  return {
    numRuns: Number.MAX_SAFE_INTEGER,
    interruptAfterTimeLimit: Math.max(1000, SECONDS * 1000 * share),
    markInterruptAsFailure: false,
    seed,
  };
}

/** Vitest timeout for such a property. */
export function timeoutFor(share: number): number {
  return CAMPAIGN ? SECONDS * 1000 * share + 60_000 : 60_000;
}

/** One line per property for the campaign's report. */
export function report(name: string, details: { numRuns: number; seed: number; failed: boolean }): void {
  if (CAMPAIGN)
    console.log(
      `[fuzz] ${name}: ${details.numRuns} executions, seed ${details.seed}, failed: ${details.failed}`,
    );
}
