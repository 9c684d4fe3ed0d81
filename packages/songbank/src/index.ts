/** Writes a Song as a ProTracker MOD file (M.K., M!K!, FLT4, xCHN, xxCH). */
/** The error writeMod throws for a song the MOD format cannot hold, with a stable `code` and the `field`. */
/** The channel count a MOD tag implies, and the conventional tag for a channel count. */

/** The bundled default song ("first light": 4 channels, 8 synthesized instruments, 40 s) and its MOD bytes. */
export { defaultSong, defaultSongBytes } from './default-song.js';
export {
  channelsForTag,
  SongWriteError,
  type SongWriteErrorCode,
  tagForChannels,
  writeMod,
} from './mod-writer.js';
export type { Cell, Pattern, Sample, Song, SongFormat } from './song.js';
/** Encodes an AudioBuffer (or any buffer-like object) as a 16-bit PCM or 32-bit float WAV file. */
/** The error encodeWav throws for a malformed buffer or options, with a stable `code` and the `field`. */
export { type AudioBufferLike, encodeWav, WavEncodeError, type WavOptions } from './wav.js';
