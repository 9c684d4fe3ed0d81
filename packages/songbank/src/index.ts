/** The bundled default song ("First Light": 4 channels, 8 synthesized instruments, 40 s) and its MOD bytes. */
export { defaultSong, defaultSongBytes } from './default-song.js';
/** The typed errors of loadMod (with the byte `offset`) and createSequencer. */
export { SequencerError, type SequencerErrorCode, SongLoadError, type SongLoadErrorCode } from './errors.js';
/** Parses MOD bytes (ProTracker, Startrekker, xCHN/xxCH, Soundtracker) into a Song. */
export { loadMod } from './mod-loader.js';
/** Writes a Song as a ProTracker MOD file (M.K., M!K!, FLT4, xCHN, xxCH); SongWriteError names the bad field. */
export {
  channelsForTag,
  SongWriteError,
  type SongWriteErrorCode,
  tagForChannels,
  writeMod,
} from './mod-writer.js';
/** Amiga period helpers: note periods (equal or ProTracker tuning) and note lookup. */
export { notePeriod, periodToNote, periodToRate, type Tuning } from './periods.js';
/** Real-time playback and offline rendering of a song on a bank, one pass's length, and the longest render. */
export {
  type DurationOptions,
  MAX_RENDER_SECONDS,
  type PlayOptions,
  type RenderOptions,
  type SongPlayer,
  type SongPosition,
  songDuration,
} from './player.js';
/** Creates a ProTracker 1/2 tick sequencer over a Song (DOM-free). */
export {
  type ChannelTick,
  createSequencer,
  type Sequencer,
  type SequencerOptions,
  type SequencerTick,
  songTempoMode,
} from './sequencer.js';
export type { Cell, Pattern, Sample, Song, SongFormat } from './song.js';
/** The song bank apps embed: instruments on pooled worklets, loading, playing and rendering songs. */
export {
  createSongBank,
  type DegradedInstrument,
  type EnsureInstrumentOptions,
  type ExhaustedPolicy,
  type OfflineAudioContextConstructor,
  type SongBank,
  type SongBankInstrumentStats,
  type SongBankMode,
  type SongBankOptions,
  type SongBankReport,
  type SongBankStats,
} from './song-bank.js';
/** The typed error song bank calls reject with, and its stable codes. */
export { SongBankError, type SongBankErrorCode } from './song-bank-error.js';
/** What the bank reports when playback is degraded (getStats().warnings, options.onWarning). */
export type { SongBankWarning, SongBankWarningCode } from './song-bank-warning.js';
/** The instruments a MOD song plays, as sampler patches. */
export { instrumentId, type SongInstrument, songInstruments } from './song-instruments.js';
/** Lists the ways a Song breaks the model's rules; empty when it is sound. */
export { songProblems } from './song-invariants.js';
/** How Fxx >= 0x20 is read (CIA tempo or VBlank speed), and the 8-minute rule that decides it. */
export { type TempoMode, type TempoModeOption, VBLANK_SCAN_THRESHOLD_SECONDS } from './tempo-mode.js';
/** Prints a song's playback, tick by tick, in the reference mixer-data trace format. */
export { TRACE_COLUMNS, TRACE_HEADER, type TraceColumn, type TraceOptions, traceSong } from './trace.js';
/** Encodes an AudioBuffer (or any buffer-like object) as a 16-bit PCM or 32-bit float WAV file. */
export { type AudioBufferLike, encodeWav, WavEncodeError, type WavOptions } from './wav.js';
