/**
 * The sequencer's public output types, in a module of their own so the public entry
 * (sequencer.ts) and the player implementation can both name them without importing each other.
 */

import type { Song } from '../song.js';
import type { TempoMode } from '../tempo-mode.js';

/** What one channel plays at the end of one tick. */
export interface ChannelTick {
  /** The sample sounding, 0-based; -1 when the channel is silent. */
  readonly sample: number;
  /** The instrument last selected on the channel, 0-based (-1 none); a queued swap plays it next. */
  readonly instrument: number;
  /** The Amiga period playing, all effects applied (0 before the channel's first note). */
  readonly period: number;
  /** Final volume 0..64 (tremolo and cuts applied). */
  readonly volume: number;
  /** -128 (left) .. 127 (right). */
  readonly pan: number;
  /** The note index (C-0 = 0) the period derives from; for display. */
  readonly note: number;
  /** Set when the sample (re)starts this tick: which sample, from which frame. */
  readonly trigger?: { readonly sample: number; readonly offset: number };
  /** The playback position in the sample (frames) at the end of the tick. */
  readonly position: number;
  /** Set on the tick the channel falls silent (its sample ran out, was swapped for an empty one, or stopped). */
  readonly cut?: true;
}

/** One tick of the song. */
export interface SequencerTick {
  readonly order: number;
  readonly pattern: number;
  readonly row: number;
  /** Tick within the row, counting on through pattern delays (EEx). */
  readonly tick: number;
  /** Ticks per row. */
  readonly speed: number;
  /** Beats per minute (CIA tempo): a tick lasts 2.5 / tempo seconds. */
  readonly tempo: number;
  /** Seconds from the start of the song to the start of this tick. */
  readonly time: number;
  /** Length of this tick in seconds. */
  readonly duration: number;
  readonly channels: readonly ChannelTick[];
}

/** A ProTracker tick sequencer over one song: call `next()` (or iterate) until it returns null. */
export interface Sequencer extends Iterable<SequencerTick> {
  /** The next tick, or null once the song has reached its end (or would loop). */
  next(): SequencerTick | null;
  /** True once `next()` has returned null. */
  readonly ended: boolean;
  readonly song: Song;
  /** How this sequencer reads Fxx >= 0x20: as a CIA tempo or as a VBlank speed. */
  readonly tempoMode: TempoMode;
}
