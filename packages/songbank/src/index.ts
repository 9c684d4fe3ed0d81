/** The typed error loadMod throws: a stable `code` and the byte `offset` of the problem. */
export { SongLoadError, type SongLoadErrorCode } from './errors.js';
/** Parses MOD bytes (ProTracker, Startrekker, xCHN/xxCH, Soundtracker) into a Song. */
export { loadMod } from './mod-loader.js';
export type { Cell, Pattern, Sample, Song, SongFormat } from './song.js';
/** Lists the ways a Song breaks the model's rules; empty when it is sound. */
export { songProblems } from './song-invariants.js';
