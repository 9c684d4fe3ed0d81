// The package's one error class: every failure users can catch carries a stable code
// and a message that names the values involved.

/** Stable codes of `WorkletRuntimeError`. */
export type WorkletRuntimeErrorCode =
  /** A patch field is missing or out of range; the message names it by its path. */
  | 'INVALID_PATCH'
  /** An argument or option is out of range; the message names it and the value. */
  | 'INVALID_ARGUMENT'
  /** The instrument, node or pool was disposed (or reset while the call was loading). */
  | 'DISPOSED'
  /** The audio thread refused a message; `cause` holds its `{ code, message }`. */
  | 'PROCESSOR_ERROR'
  /** No AudioWorkletNode constructor, or the processor module could not be added. */
  | 'NO_AUDIO_WORKLET'
  | 'NO_SHARED_MEMORY'
  /**
   * The context no longer runs processors: it was closed, or it is an OfflineAudioContext
   * that has finished rendering. A call that needs the audio thread would wait forever.
   */
  | 'CONTEXT_CLOSED'
  /**
   * The engine could not get WebAssembly memory: the context's shared engine memory cannot
   * grow (or the browser refused to reserve it); the message names the limit, the bytes asked
   * for and how many engines share the memory. Nothing already loaded is affected.
   */
  | 'WASM_MEMORY'
  /** The call needs a state the object is not in (e.g. compact() while another compaction runs). */
  | 'INVALID_STATE';

/** Every failure of this package: a stable `code` and a message naming the values involved. */
export class WorkletRuntimeError extends Error {
  override readonly name = 'WorkletRuntimeError';
  readonly code: WorkletRuntimeErrorCode;

  constructor(code: WorkletRuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
