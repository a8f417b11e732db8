// "Did you mean …?" for names typed by people (config keys, well-known community names): the
// candidate closest to a typo by edit distance, ignoring case, when it is close enough. Pure.

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...new Array(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) d[0][j] = j;
  for (let i = 1; i <= s.length; i++)
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[s.length][t.length];
}

/**
 * The candidate nearest to `typed`, if within a third of its length (at least 1 edit); undefined
 * when none is that close, two are equally close (`ipv5`: ipv4 or ipv6?), or `typed` is a candidate.
 */
export function nearest(typed: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let tied = false;
  for (const c of candidates) {
    if (c === typed) return undefined;
    const d = editDistance(typed, c);
    if (d > limit || d > bestDistance) continue;
    tied = d === bestDistance;
    best = c;
    bestDistance = d;
  }
  return tied ? undefined : best;
}

/** " (did you mean X?)" or "". */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const n = nearest(typed, candidates);
  return n === undefined ? '' : ` (did you mean ${n}?)`;
}
