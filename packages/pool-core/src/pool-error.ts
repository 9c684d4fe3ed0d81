/** The stable codes a {@link PoolError} carries; match on these, never on messages. */
export type PoolErrorCode =
  | 'POOL_EXHAUSTED'
  | 'REQUEST_TOO_LARGE'
  | 'INVALID_REQUEST'
  | 'INVALID_PLACEMENT'
  | 'UNKNOWN_STRATEGY';

/** Every error the pool raises: a stable `code` and a message naming the values involved. */
export class PoolError extends Error {
  /** Which rule the call broke. */
  readonly code: PoolErrorCode;

  constructor(code: PoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoolError';
    this.code = code;
  }
}

/** True when `value` is a {@link PoolError}, optionally with the given code. */
export function isPoolError(value: unknown, code?: PoolErrorCode): value is PoolError {
  return value instanceof PoolError && (code === undefined || value.code === code);
}
