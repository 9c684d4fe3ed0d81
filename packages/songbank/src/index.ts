/** The typed error loadMod throws: a stable `code` and the byte `offset` of the problem. */
/** The typed error createSequencer throws for bad options or an unplayable song. */
export { SequencerError, type SequencerErrorCode, SongLoadError, type SongLoadErrorCode } from './errors.js';
/** Parses MOD bytes (ProTracker, Startrekker, xCHN/xxCH, Soundtracker) into a Song. */
export { loadMod } from './mod-loader.js';
/** Amiga period helpers: note periods (equal or ProTracker tuning) and note lookup. */
export { notePeriod, periodToNote, periodToRate, type Tuning } from './periods.js';
/** Creates a ProTracker 1/2 tick sequencer over a Song (DOM-free). */
export {
  type ChannelTick,
  createSequencer,
  type Sequencer,
  type SequencerOptions,
  type SequencerTick,
} from './sequencer.js';
export type { Cell, Pattern, Sample, Song, SongFormat } from './song.js';
/** Lists the ways a Song breaks the model's rules; empty when it is sound. */
export { songProblems } from './song-invariants.js';
/** Prints a song's playback, tick by tick, in the reference mixer-data trace format. */
export { type TraceOptions, traceSong } from './trace.js';
