// Work written as a generator that yields what it must wait for: a promise (a socket's drain, a
// turn of the event loop) is waited for; any other value is handed back at once. `runSteps` runs it
// synchronously up to the first promise, and only then asynchronously: a change that fits the
// socket is written in the caller's turn, with none of the microtask hops an async function takes
// at every await (with ten peers those hops put every peer's encoding before the first write).
// Inside steps, `(yield v) as T` is the value of `v`, waited for when it is a promise; a hot path
// yields only promises (`v instanceof Promise ? yield v : v`): each yield costs an iterator result.
export type Steps<T> = Generator<unknown, T, unknown>;

export function runSteps<T>(steps: Steps<T>): T | Promise<T> {
  return advance(steps, steps.next());
}

function advance<T>(steps: Steps<T>, r: IteratorResult<unknown, T>): T | Promise<T> {
  while (!r.done) {
    if (r.value instanceof Promise)
      return r.value.then(
        (v) => advance(steps, steps.next(v)),
        (e: unknown) => advance(steps, steps.throw(e)),
      );
    r = steps.next(r.value);
  }
  return r.value;
}
