/**
 * Which timing a MOD expects. ProTracker reads Fxx >= 0x20 as a CIA tempo (BPM); the
 * trackers before it (Soundtracker, NoiseTracker) ran off the vertical blank and read
 * every Fxx as a speed, so a NoiseTracker song's F20 means "32 ticks a row". Files do not
 * say which tracker wrote them, so the mode is decided from the song itself, the way
 * libxmp does it (scan.c, compare_vblank_scan; the pattern checks of mod_load.c) and
 * libopenmpt arrives at the same lengths: a song whose one pass with its first guess of
 * timing lasts 8 minutes or more is measured again with the other timing, and plays in
 * whichever is shorter, since the wrong timing usually makes a song far longer.
 */
import type { Song } from './song.js';

/** How Fxx >= 0x20 is read: 'cia' sets the tempo in BPM, 'vblank' sets ticks per row. */
export type TempoMode = 'cia' | 'vblank';

/** A tempo mode, or 'auto' for the one the song implies (see `songTempoMode`). */
export type TempoModeOption = TempoMode | 'auto';

/** A one-pass length of at least this many seconds asks for the other timing's length (libxmp: 480000 ms). */
export const VBLANK_SCAN_THRESHOLD_SECONDS = 480;

/** What the patterns say about Fxx, as libxmp's MOD loader reads them. */
interface FxxEvidence {
  /** Some Fxx >= 0x20 (only those differ between the modes). */
  readonly high: boolean;
  /** A row with both a low and a high Fxx: a speed and a tempo together only make sense with CIA. */
  readonly sameRow: boolean;
}

function fxxEvidence(song: Song): FxxEvidence {
  let high = false;
  let sameRow = false;
  for (const pattern of song.patterns) {
    for (const row of pattern.rows) {
      let rowHigh = false;
      let rowLow = false;
      for (const cell of row) {
        if (cell.effect !== 0xf) continue;
        if (cell.param >= 0x20) rowHigh = true;
        else rowLow = true;
      }
      high ||= rowHigh;
      sameRow ||= rowHigh && rowLow;
    }
  }
  return { high, sameRow };
}

const decided = new WeakMap<Song, TempoMode>();

/**
 * Decides a song's tempo mode (cached per song object, which is immutable data).
 * `passSeconds(mode)` measures one pass through the song with that timing.
 */
export function decideTempoMode(song: Song, passSeconds: (mode: TempoMode) => number): TempoMode {
  const known = decided.get(song);
  if (known !== undefined) return known;
  // A 15-sample Soundtracker module predates CIA timing altogether.
  let mode: TempoMode = song.format.kind === 'soundtracker' ? 'vblank' : 'cia';
  const evidence = fxxEvidence(song);
  if (mode === 'cia' && evidence.high && !evidence.sameRow) {
    const cia = passSeconds('cia');
    // Only a strictly shorter pass wins; a tie keeps CIA (as libxmp does).
    if (cia >= VBLANK_SCAN_THRESHOLD_SECONDS && passSeconds('vblank') < cia) mode = 'vblank';
  }
  decided.set(song, mode);
  return mode;
}
