// Work written as a generator that yields only the promises it must wait for (a socket's drain, a
// turn of the event loop). `runSteps` runs it synchronously up to the first such wait, and only
// then asynchronously: a change that fits the socket is written in the caller's turn, with none
// of the microtask hops an async function takes at every await (with ten peers those hops put
// every peer's encoding before the first write).
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

/** Inside steps: the value of `v`, waiting for it only when it is a promise (`yield* wait(v)`). */
export function* wait<T>(v: T | Promise<T>): Steps<T> {
  return v instanceof Promise ? ((yield v) as T) : v;
}
