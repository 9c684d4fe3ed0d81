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

/** Why a sequencer could not be created; stable across releases. */
export type SequencerErrorCode =
  /** An option is out of its range (the message names it and the value). */
  | 'INVALID_OPTION'
  /** The song breaks the Song model's rules (see songProblems); the message lists how. */
  | 'INVALID_SONG';

/** A sequencer was refused its song or options. */
export class SequencerError extends Error {
  override readonly name = 'SequencerError';
  readonly code: SequencerErrorCode;

  constructor(code: SequencerErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
