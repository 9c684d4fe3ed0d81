/**
 * The in-memory model of a tracker module, shared by the loader, the writer and the
 * sequencer. Plain data: no methods, no DOM.
 */

/** The container format a song was read from (or is written as). */
export type SongFormat =
  | { readonly kind: 'protracker'; readonly tag: string } // M.K., M!K!, FLT4, 4CHN, 6CHN, 12CH, FLT8...
  | { readonly kind: 'soundtracker' }; // 15 samples, no tag

/** One sample: 8-bit signed PCM with ProTracker loop points, all lengths in frames (bytes). */
export interface Sample {
  readonly name: string;
  /** -8..7, in eighths of a semitone. */
  readonly finetune: number;
  /** 0..64. */
  readonly volume: number;
  /** Loop start in frames. */
  readonly loopStart: number;
  /** Loop length in frames; 2 or less means the sample does not loop (ProTracker). */
  readonly loopLength: number;
  readonly data: Int8Array;
}

/** One pattern cell as stored in the file. */
export interface Cell {
  /** Amiga period, 0 for none. */
  readonly period: number;
  /** Sample number as in the file: 1-based, 0 for none. */
  readonly sample: number;
  /** Effect command 0x0..0xF. */
  readonly effect: number;
  /** Effect parameter 0x00..0xFF. */
  readonly param: number;
}

/** 64 rows, each with one cell per channel. */
export interface Pattern {
  readonly rows: readonly (readonly Cell[])[];
}

/** A whole module. */
export interface Song {
  readonly title: string;
  readonly format: SongFormat;
  readonly channels: number;
  /** 31 samples for ProTracker formats, 15 for Soundtracker; index 0 is sample number 1. */
  readonly samples: readonly Sample[];
  /** Pattern numbers in play order (the song length is orders.length). */
  readonly orders: readonly number[];
  /** The order to restart from when the song loops (0 when absent or invalid). */
  readonly restartPosition: number;
  readonly patterns: readonly Pattern[];
  /**
   * The CIA tempo (BPM) the song starts at, when it is not ProTracker's 125: Ultimate
   * Soundtracker modules store it in the byte ProTracker uses for the restart position.
   */
  readonly tempo?: number;
}
