// Work written as a generator that yields only the promises it must wait for (a socket's drain, a
// turn of the event loop). `runSteps` runs it synchronously up to the first such wait, and only
// then asynchronously: a change that fits the socket is written in the caller's turn, with none
// of the microtask hops an async function takes at every await (with ten peers those hops put
// every peer's encoding before the first write). A step that may or may not have to wait yields
// only in the first case (`v instanceof Promise ? ((yield v) as T) : v`): each yield costs an
// iterator result, and this path runs for every route sent.
export type Steps<T> = Generator<Promise<unknown>, T, unknown>;

export function runSteps<T>(steps: Steps<T>): T | Promise<T> {
  return advance(steps, steps.next());
}

function advance<T>(steps: Steps<T>, r: IteratorResult<Promise<unknown>, T>): T | Promise<T> {
  if (r.done) return r.value;
  return r.value.then(
    (v) => advance(steps, steps.next(v)),
    (e: unknown) => advance(steps, steps.throw(e)),
  );
}
