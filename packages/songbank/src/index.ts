/** The typed error loadMod throws: a stable `code` and the byte `offset` of the problem. */
export { SongLoadError, type SongLoadErrorCode } from './errors.js';
/** The bundled default song ("First Light": 4 channels, 8 synthesized instruments, 40 s) and its MOD bytes. */
export { defaultSong, defaultSongBytes } from './default-song.js';
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
export type { Cell, Pattern, Sample, Song, SongFormat } from './song.js';
/** Lists the ways a Song breaks the model's rules; empty when it is sound. */
export { songProblems } from './song-invariants.js';
/** Encodes an AudioBuffer (or any buffer-like object) as a 16-bit PCM or 32-bit float WAV file. */
export { type AudioBufferLike, encodeWav, WavEncodeError, type WavOptions } from './wav.js';
