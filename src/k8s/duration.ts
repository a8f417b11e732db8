// Go durations as Kubernetes writes them (metav1.Duration: "90s", "1m30s", "1.5h", "500ms").
// Pure.

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Seconds in a Go duration string, or undefined when it is not one. "0" alone is zero. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  let i = 0;
  let total = 0;
  while (i < text.length) {
    PART.lastIndex = i;
    const m = PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
    i = PART.lastIndex;
  }
  return total;
}
