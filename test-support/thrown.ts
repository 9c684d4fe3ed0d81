// What a test asks of a call that should fail with one of the project's typed errors:
// the error itself, of the class the test names. One copy for every package's suites.

/** The error of class `type` that `fn` throws; returning, or throwing anything else, fails the test. */
export function thrownBy<E extends Error>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
