// Misuse suites assert that a call settles; a call that hangs must fail its test with the
// call's name instead of stalling the run until vitest's long timeout (or, with a
// top-level await in a script, ending the process silently with exit code 13).

/**
 * How long a promise may take to settle before it counts as hanging: generous, because a
 * short offline render takes seconds on a loaded two-core machine, and still under the
 * suites' 120 s test timeout so the failure names the call.
 */
export const SETTLE_MS = 60_000;

/** What a promise settled to. */
export type Settled<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/**
 * Waits for `promise` (or a call that may also throw synchronously) to settle within
 * `ms`; rejects with an Error naming `what` if it does not.
 */
export async function settles<T>(
  what: string,
  promise: Promise<T> | (() => Promise<T> | T),
  ms = SETTLE_MS,
): Promise<Settled<T>> {
  let pending: Promise<T>;
  try {
    pending = Promise.resolve(typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return { ok: false, error };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([
      pending.then(
        (value): Settled<T> => ({ ok: true, value }),
        (error: unknown): Settled<T> => ({ ok: false, error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Settles `call` and returns the error it failed with; fails if it resolved or hung. */
export async function failure(what: string, call: Promise<unknown> | (() => unknown)): Promise<unknown> {
  const result = await settles(what, call as Promise<unknown> | (() => Promise<unknown>));
  if (result.ok) throw new Error(`${what} resolved; expected it to fail`);
  return result.error;
}
