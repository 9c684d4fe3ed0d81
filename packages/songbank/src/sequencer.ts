/**
 * The public entry of the ProTracker sequencer: its options, their checks and the song's
 * timing mode. The sequencer itself is in sequencer/ (see pro-tracker.ts for the map).
 */
import { SequencerError } from './errors.js';
import type { Tuning } from './periods.js';
import { ProTrackerSequencer } from './sequencer/pro-tracker.js';
import type { Sequencer } from './sequencer/types.js';
import type { Song } from './song.js';
import { songProblems } from './song-invariants.js';
import { decideTempoMode, type TempoMode, type TempoModeOption } from './tempo-mode.js';

export type { ChannelTick, Sequencer, SequencerTick } from './sequencer/types.js';

/** Options of `createSequencer`. */
export interface SequencerOptions {
  /**
   * 0..1: how far apart the Amiga's left (channels 0, 3, 4, 7...) and right
   * (1, 2, 5, 6...) channels sit. 1 (the default) is hard left and right, 0 is mono.
   */
  readonly stereoSeparation?: number;
  /** Keep playing past the point where the song would loop. Default false: stop there. */
  readonly loop?: boolean;
  /** How note periods are derived (see `Tuning`). Default 'equal'. */
  readonly tuning?: Tuning;
  /**
   * The rate in Hz at which sample playback positions are followed, to know when a
   * one-shot sample ends or a queued sample swap happens. Default 44100.
   */
  readonly mixRate?: number;
  /**
   * How Fxx with a parameter of 0x20 or more is read: 'cia' sets the tempo (BPM),
   * 'vblank' sets the speed (ticks per row), as trackers without CIA timing did.
   * Default 'auto': the song's own mode, see `songTempoMode`.
   */
  readonly tempoMode?: TempoModeOption;
}

function checkSong(song: Song): void {
  if (typeof song !== 'object' || song === null) {
    throw new SequencerError(
      'INVALID_SONG',
      `createSequencer expects a Song, got ${song === null ? 'null' : typeof song}`,
    );
  }
  const problems = songProblems(song);
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new SequencerError(
      'INVALID_SONG',
      `the song cannot be played: ${problems.slice(0, 3).join('; ')}${more}`,
    );
  }
}

/**
 * Creates a ProTracker 1/2 tick sequencer for a song: CIA or VBlank timing (Fxx), all
 * effects 0-F and E0-EF, finetune, ProTracker's sample-swap and offset quirks,
 * Amiga period limits, LRRL panning. It stops where the song would loop: when it
 * is about to play an (order, row) already played outside a pattern loop.
 */
export function createSequencer(song: Song, options: SequencerOptions = {}): Sequencer {
  return createInspectableSequencer(song, options);
}

/**
 * `createSequencer`, with the same checks, returning the implementation: the trace also
 * reads what the reference player lists per channel. Not exported from the package.
 */
export function createInspectableSequencer(song: Song, options: SequencerOptions = {}): ProTrackerSequencer {
  const separation = options.stereoSeparation ?? 1;
  if (!(typeof separation === 'number' && separation >= 0 && separation <= 1)) {
    throw new SequencerError(
      'INVALID_OPTION',
      `stereoSeparation must be a number in 0..1, got ${String(separation)}`,
    );
  }
  const mixRate = options.mixRate ?? 44100;
  if (!(typeof mixRate === 'number' && Number.isFinite(mixRate) && mixRate >= 1000)) {
    throw new SequencerError(
      'INVALID_OPTION',
      `mixRate must be a number of Hz >= 1000, got ${String(mixRate)}`,
    );
  }
  const tuning = options.tuning ?? 'equal';
  if (tuning !== 'equal' && tuning !== 'protracker') {
    throw new SequencerError(
      'INVALID_OPTION',
      `tuning must be 'equal' or 'protracker', got ${String(tuning)}`,
    );
  }
  checkSong(song);
  const tempoMode = resolveTempoMode(song, options.tempoMode);
  return new ProTrackerSequencer(song, {
    separation,
    loop: options.loop ?? false,
    tuning,
    mixRate,
    tempoMode,
  });
}

/**
 * The timing a song plays with when none is forced: CIA, unless its one pass with CIA
 * timing lasts 8 minutes or more and VBlank timing (every Fxx sets the speed) makes it
 * shorter; 15-sample Soundtracker modules always use VBlank timing. See tempo-mode.ts.
 */
export function songTempoMode(song: Song): TempoMode {
  checkSong(song);
  return decideTempoMode(song, (mode) => {
    const sequencer = new ProTrackerSequencer(song, {
      separation: 1,
      loop: false,
      tuning: 'equal',
      mixRate: 44100,
      tempoMode: mode,
    });
    let seconds = 0;
    for (let tick = sequencer.next(); tick !== null; tick = sequencer.next()) seconds += tick.duration;
    return seconds;
  });
}

/** The mode an option asks for ('auto' or absent: the song's own); INVALID_OPTION for anything else. */
export function resolveTempoMode(song: Song, option: TempoModeOption | undefined): TempoMode {
  if (option === undefined || option === 'auto') return songTempoMode(song);
  if (option !== 'cia' && option !== 'vblank') {
    throw new SequencerError(
      'INVALID_OPTION',
      `tempoMode must be 'auto', 'cia' or 'vblank', got ${String(option)}`,
    );
  }
  return option;
}
