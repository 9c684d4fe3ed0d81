/** Why a song bank call failed; stable across releases. */
export type SongBankErrorCode =
  /** The bank was disposed (or its AudioContext closed) before or during the call. */
  | 'DISPOSED'
  /** The instrument request was overtaken by resetForNewSong or teardownInstrument. */
  | 'STALE_REQUEST'
  /** An argument or option is out of range; the message names it. */
  | 'INVALID_ARGUMENT'
  /** No OfflineAudioContext is available to render with. */
  | 'NO_OFFLINE_CONTEXT'
  /**
   * The call needs a state the bank is not in: its OfflineAudioContext is already
   * rendering, has rendered, or has a song scheduled by play(); the message says which.
   */
  | 'INVALID_STATE';

/** A song bank call was refused: `code` says why, the message names the values. */
export class SongBankError extends Error {
  override readonly name = 'SongBankError';
  readonly code: SongBankErrorCode;

  constructor(code: SongBankErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
