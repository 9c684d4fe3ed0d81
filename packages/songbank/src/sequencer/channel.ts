/**
 * A tracker channel's state, grouped by the effect family that owns each field, and the
 * row event a channel reads. Row effects arm a family; the tick work of an armed family runs
 * until the channel reads its next event.
 */
import { periodToNote } from '../periods.js';
import type { Cell } from '../song.js';
import { Voice } from './paula.js';

/** A MOD cell as the player reads it: the note found from its period, effects normalised. */
export interface RowEvent {
  /** 1-based note, 0 for none. */
  readonly note: number;
  /** 1-based sample number, 0 for none. */
  readonly ins: number;
  readonly fxt: number;
  readonly fxp: number;
}

const EMPTY_EVENT: RowEvent = { note: 0, ins: 0, fxt: 0, fxp: 0 };

/** Reads a MOD cell as a row event. */
export function toEvent(cell: Cell | undefined): RowEvent {
  if (!cell) return EMPTY_EVENT;
  const n = periodToNote(cell.period);
  let fxt = cell.effect;
  let fxp = cell.param;
  // 8xx has no meaning in ProTracker; with a zero parameter the "continue" forms
  // of 5xx/6xx keep only their portamento or vibrato part, and 1xx/2xx/Axx do nothing.
  if (fxt === 0x8) {
    fxt = 0;
    fxp = 0;
  }
  if (fxp === 0) {
    if (fxt === 0x5) fxt = 0x3;
    else if (fxt === 0x6) fxt = 0x4;
    else if (fxt === 0x1 || fxt === 0x2 || fxt === 0xa) fxt = 0;
  } else if (fxt === 0xe && (fxp === 0xa0 || fxp === 0xb0)) {
    fxt = 0;
    fxp = 0;
  }
  return { note: n < 0 ? 0 : n + 1, ins: cell.sample, fxt, fxp };
}

/** Vibrato (4xy, E4x) or tremolo (7xy, E7x): a waveform stepped once per tick after the first. */
export interface Oscillator {
  active: boolean;
  /** 0 sine, 1 ramp down, 2 square, 3 "random" (played as a square). */
  waveform: number;
  /** Position in the 64-step waveform. */
  pos: number;
  depth: number;
  speed: number;
  /** A new note restarts the waveform (E4x/E7x with bit 2 clear). */
  retrigger: boolean;
}

const oscillator = (): Oscillator => ({
  active: false,
  waveform: 0,
  pos: 0,
  depth: 0,
  speed: 0,
  retrigger: true,
});

/** Retrigger volume rules (only type 0, plain retrigger, and 0x10, note cut, occur in MODs). */
export const RETRIG_KEEP = 0;
/** The retrigger rule of ECx: the countdown cuts the volume instead of restarting the sample. */
export const RETRIG_CUT = 0x10;

/** Every field a channel keeps between ticks. */
export class Channel {
  /** The Paula voice the channel drives. */
  readonly voice = new Voice();
  /** A note has been played on this channel (so an instrument alone can swap samples). */
  noteSet = false;
  key = -1;
  note = 0;
  ins = -1;
  finetune = 0;
  period = 0;
  volume = 64;
  pan = 0;
  /** 1xx/2xx each tick after the first; E1x/E2x once on the first. */
  readonly pitchSlide = { active: false, step: 0, fineActive: false, fineStep: 0 };
  /** 3xx/5xx towards a target period; E3x rounds it to semitones. */
  readonly portamento = { active: false, target: 0, direction: 0, speed: 0, memory: 0, glissando: false };
  /** Axy/5xy/6xy each tick after the first; EAx/EBx once per row. */
  readonly volumeSlide = { active: false, step: 0, fineActive: false, fineStep: 0 };
  readonly vibrato: Oscillator = oscillator();
  readonly tremolo: Oscillator = oscillator();
  /** 0xy: the semitone offsets cycled through, one per tick. */
  readonly arpeggio = { offsets: [0, 0, 0], pos: 0, size: 1 };
  /** E9x (restart) and ECx (cut): a countdown in ticks. */
  readonly retrigger = { active: false, interval: 0, countdown: 0, mode: RETRIG_KEEP };
  /** 9xx: the start offset in frames, its increment, and the last parameter. */
  readonly offset = { active: false, value: 0, step: 0, memory: 0 };
  /** EDx: ticks left before the held event is read. */
  readonly noteDelay = { ticks: 0, event: EMPTY_EVENT };
  /** E6x: the row the loop goes back to, and the passes left. */
  readonly patternLoop = { start: 0, count: 0 };
  /** What the last tick reported. */
  readonly out = { finalPeriod: 0, reportedPeriod: 0, lastSample: -1 };
}

/** Disarms every effect family: the channel is about to read a new event. */
export function disarmEffects(c: Channel): void {
  c.pitchSlide.active = false;
  c.pitchSlide.fineActive = false;
  c.portamento.active = false;
  c.volumeSlide.active = false;
  c.volumeSlide.fineActive = false;
  c.vibrato.active = false;
  c.tremolo.active = false;
  c.retrigger.active = false;
  c.offset.active = false;
}
