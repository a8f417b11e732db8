// One short word for why a probe failed: the errno-style code when there is one (also behind
// fetch's "fetch failed" cause and Happy Eyeballs' AggregateError), else the message.

export function errorDetail(err: unknown, depth = 0): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  if (depth < 4) {
    if (err instanceof AggregateError && err.errors.length > 0) return errorDetail(err.errors[0], depth + 1);
    if (err.cause !== undefined) return errorDetail(err.cause, depth + 1);
  }
  return err.message || err.name;
}
