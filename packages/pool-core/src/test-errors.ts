// What pool-core's own tests ask of a call that should fail: the PoolError it threw, or
// its code. One copy for every suite of the package (not part of any entry).
import { thrownBy } from '../../../test-support/thrown';
import { PoolError, type PoolErrorCode } from './pool-error';

/** The PoolError `fn` throws; any other outcome fails the test. */
export function errorOf(fn: () => unknown): PoolError {
  return thrownBy(PoolError, fn);
}

/** The code of the PoolError `fn` throws, or undefined when it returns. */
export function codeOf(fn: () => unknown): PoolErrorCode | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PoolError) return error.code;
    throw error;
  }
  return undefined;
}
