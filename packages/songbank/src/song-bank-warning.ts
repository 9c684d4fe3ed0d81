// Degraded playback is not an error (the song still plays), but it sounds different from
// what the song asks for, so the bank says so: in getStats().warnings for whoever polls,
// and through the onWarning callback for whoever wants to hear at once.

/** Why a bank plays a song differently from how it is written; stable across releases. */
export type SongBankWarningCode =
  /** The song has more channels than an instrument has voices, so some channels share a voice. */
  | 'CHANNELS_SHARE_VOICES'
  /** The pool was full (onExhausted 'fewer-voices'): an instrument got fewer voices than it asked for. */
  | 'FEWER_VOICES'
  /** The pool was full (onExhausted 'simplified'): an instrument plays without a worklet. */
  | 'SIMPLIFIED';

/** One way the bank's playback is degraded; `message` is one line for a person. */
export interface SongBankWarning {
  readonly code: SongBankWarningCode;
  readonly message: string;
  /** The instrument it concerns (absent for a warning about the whole song). */
  readonly instrument?: string;
}
