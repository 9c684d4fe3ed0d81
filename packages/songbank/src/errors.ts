/** Why a module could not be loaded; stable across releases. */
export type SongLoadErrorCode =
  /** The file ends before a part the header promises (header, patterns). */
  | 'TRUNCATED'
  /** No known format tag and not a plausible 15-sample Soundtracker module. */
  | 'BAD_FORMAT'
  /** The order list holds no playable pattern. */
  | 'NO_ORDERS'
  /** A declared count or size is impossible (e.g. 0 or more than 32 channels). */
  | 'BAD_VALUE'
  /** The argument is not a Uint8Array. */
  | 'INVALID_INPUT';

/** A module file was refused: `code` says what kind of problem, `offset` where (byte offset in the file). */
export class SongLoadError extends Error {
  override readonly name = 'SongLoadError';
  readonly code: SongLoadErrorCode;
  readonly offset: number;

  constructor(code: SongLoadErrorCode, offset: number, message: string) {
    super(`${message} (byte offset ${offset})`);
    this.code = code;
    this.offset = offset;
  }
}
