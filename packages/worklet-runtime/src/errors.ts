/** Stable codes of `WorkletRuntimeError`. */
export type WorkletRuntimeErrorCode =
  | 'INVALID_PATCH'
  | 'INVALID_ARGUMENT'
  | 'DISPOSED'
  | 'PROCESSOR_ERROR'
  | 'NO_AUDIO_WORKLET'
  | 'NO_SHARED_MEMORY'
  | 'POOL_ERROR';

/** Every failure of this package: a stable `code` and a message naming the values involved. */
export class WorkletRuntimeError extends Error {
  override readonly name = 'WorkletRuntimeError';
  readonly code: WorkletRuntimeErrorCode;

  constructor(code: WorkletRuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
