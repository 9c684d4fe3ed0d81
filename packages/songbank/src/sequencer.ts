import { SequencerError } from './errors.js';
import {
  MAX_PT_NOTE,
  MIN_PT_NOTE,
  notePeriod,
  periodToNote,
  protrackerArpeggio,
  protrackerGlissando,
  type Tuning,
} from './periods.js';
import type { Cell, Sample, Song } from './song.js';
import { songProblems } from './song-invariants.js';
import { decideTempoMode, type TempoMode, type TempoModeOption } from './tempo-mode.js';

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

// Per-row effect flags (cleared when a channel reads its next event).
const VIBRATO = 1 << 0;
const TREMOLO = 1 << 1;
const TONEPORTA = 1 << 2;
const PITCHBEND = 1 << 3;
const VOL_SLIDE = 1 << 4;
const FINE_VOLS = 1 << 5;
const FINE_BEND = 1 << 6;
const RETRIG = 1 << 7;
const OFFSET = 1 << 8;

const MAX_KEYS = 121;
/** libxmp's mixing constant: a C-2 (period 428) plays 8287 frames per second. */
const C2_RATE_PRODUCT = 428 * 8287;
/** Rows played without reaching a new (order, row) before the song is declared stuck. */
const STUCK_ROWS = 4096;

const SINE: readonly number[] = [
  0, 24, 49, 74, 97, 120, 141, 161, 180, 197, 212, 224, 235, 244, 250, 253, 255, 253, 250, 244, 235, 224, 212,
  197, 180, 161, 141, 120, 97, 74, 49, 24, 0, -24, -49, -74, -97, -120, -141, -161, -180, -197, -212, -224,
  -235, -244, -250, -253, -255, -253, -250, -244, -235, -224, -212, -197, -180, -161, -141, -120, -97, -74,
  -49, -24,
];

/** Retrigger volume rules (only type 0, plain retrigger, and 0x10, note cut, occur in MODs). */
const RETRIG_KEEP = 0;
const RETRIG_CUT = 0x10;

interface Lfo {
  type: number;
  phase: number;
  depth: number;
  rate: number;
}

function lfoValue(lfo: Lfo): number {
  if (lfo.rate === 0) return 0;
  let v: number;
  switch (lfo.type & 3) {
    case 0:
      v = SINE[lfo.phase] ?? 0;
      break;
    case 1:
      v = 255 - (lfo.phase << 3);
      break;
    default:
      // Square; ProTracker plays its "random" waveform (3) as a square too.
      v = lfo.phase < 32 ? 255 : -255;
  }
  return v * lfo.depth;
}

function lfoAdvance(lfo: Lfo): void {
  lfo.phase = (lfo.phase + lfo.rate) & 63;
}

interface Event {
  /** 1-based note, 0 for none. */
  readonly note: number;
  /** 1-based sample number, 0 for none. */
  readonly ins: number;
  readonly fxt: number;
  readonly fxp: number;
}

const EMPTY_EVENT: Event = { note: 0, ins: 0, fxt: 0, fxp: 0 };

/** A MOD cell as the player reads it: the note found from its period, effects normalised. */
function toEvent(cell: Cell | undefined): Event {
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

/** The mixer side of a channel: which sample plays where, as Paula would. */
class Voice {
  mapped = false;
  smp = -1;
  ins = -1;
  note = 0;
  pos = 0;
  period = 0;
  vol = 0;
  pan = 0;
  /** Past the first pass: the loop end (not the sample end) bounds playback. */
  looping = false;
  queued = false;
  queuedSmp = -1;
  paused = false;
  start = 0;
  end = 0;
}

class Channel {
  readonly voice = new Voice();
  flags = 0;
  /** A note has been played on this channel (so an instrument alone can swap samples). */
  noteSet = false;
  glissando = false;
  sampleEnded = false;
  key = -1;
  note = 0;
  ins = -1;
  finetune = 0;
  period = 0;
  volume = 64;
  pan = 0;
  portaTarget = 0;
  portaDir = 0;
  portaSlide = 0;
  portaMemory = 0;
  freqSlide = 0;
  fineSlide = 0;
  volSlide = 0;
  fineVolSlide = 0;
  readonly vibrato: Lfo = { type: 0, phase: 0, depth: 0, rate: 0 };
  readonly tremolo: Lfo = { type: 0, phase: 0, depth: 0, rate: 0 };
  vibratoRetrigger = true;
  tremoloRetrigger = true;
  arpeggio = [0, 0, 0];
  arpCount = 0;
  arpSize = 1;
  retrigVal = 0;
  retrigCount = 0;
  retrigType = RETRIG_KEEP;
  offsetVal = 0;
  offsetVal2 = 0;
  offsetMemory = 0;
  delay = 0;
  delayedEvent: Event = EMPTY_EVENT;
  loopStart = 0;
  loopCount = 0;
  /** Output of the last tick. */
  finalPeriod = 0;
  reportedPeriod = 0;
  trigger: { sample: number; offset: number } | undefined;
  /** The sample reported on the previous tick, to report when the channel falls silent. */
  lastSample = -1;
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
  return new ProTrackerSequencer(song, separation, options.loop ?? false, tuning, mixRate, tempoMode);
}

/**
 * The timing a song plays with when none is forced: CIA, unless its one pass with CIA
 * timing lasts 8 minutes or more and VBlank timing (every Fxx sets the speed) makes it
 * shorter; 15-sample Soundtracker modules always use VBlank timing. See tempo-mode.ts.
 */
export function songTempoMode(song: Song): TempoMode {
  checkSong(song);
  return decideTempoMode(song, (mode) => {
    const sequencer = new ProTrackerSequencer(song, 1, false, 'equal', 44100, mode);
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

/** The sequencer, with the reference player's notion of a listed voice for traces. */
export class ProTrackerSequencer implements Sequencer {
  readonly song: Song;
  ended = false;
  private readonly channels: Channel[];
  private readonly samples: readonly Sample[];
  private readonly loop: boolean;
  private readonly tuning: Tuning;
  private readonly mixRate: number;
  private speed = 6;
  private bpm = 125;
  readonly tempoMode: TempoMode;
  /** VBlank timing: Fxx always sets the speed (ticks per row), never a CIA tempo. */
  private readonly vblank: boolean;
  private order = 0;
  private row = 0;
  private frame = -1;
  private time = 0;
  /** Pattern delay (EEx) of the current row, in rows. */
  private patternDelay = 0;
  private pbreak = false;
  private jump = -1;
  private jumpLine = 0;
  private loopDest = -1;
  private loopsActive = 0;
  /**
   * The reference player's end detection counts a pattern loop as left when a
   * position jump happens or a loop ends; re-entering a played (order, row) from
   * another order then ends the song even while a loop count is still pending.
   */
  private insideLoop = false;
  private enteredOrder = false;
  private readonly visited: Uint8Array[];
  private rowsSinceNew = 0;

  constructor(
    song: Song,
    separation: number,
    loop: boolean,
    tuning: Tuning,
    mixRate: number,
    tempoMode: TempoMode,
  ) {
    this.song = song;
    this.samples = song.samples;
    this.loop = loop;
    this.tuning = tuning;
    this.mixRate = mixRate;
    this.channels = Array.from({ length: song.channels }, () => new Channel());
    // Amiga LRRL: channels 0 and 3 left, 1 and 2 right, repeating every four.
    this.channels.forEach((c, i) => {
      const right = ((i + 1) >> 1) % 2 === 1;
      // (+ 0 turns the -0 of a mono left channel into 0.)
      c.pan = Math.trunc(((right ? 255 : 0) - 128) * separation) + 0;
    });
    this.visited = song.orders.map(() => new Uint8Array(64));
    this.bpm = song.tempo ?? 125;
    this.tempoMode = tempoMode;
    this.vblank = tempoMode === 'vblank';
  }

  [Symbol.iterator](): Iterator<SequencerTick> {
    return {
      next: (): IteratorResult<SequencerTick> => {
        const tick = this.next();
        return tick ? { done: false, value: tick } : { done: true, value: undefined };
      },
    };
  }

  next(): SequencerTick | null {
    if (this.ended) return null;
    this.frame++;
    if (this.frame >= this.speed * (1 + this.patternDelay)) {
      // ProTracker skips a row when a break happens during a pattern delay.
      if (this.patternDelay > 0 && this.pbreak) {
        this.nextRow();
        if (this.checkEnd()) return this.finish();
      }
      this.nextRow();
    }
    if (this.frame === 0) {
      if (this.checkEnd()) return this.finish();
      this.readRow();
    }
    for (let i = 0; i < this.channels.length; i++) this.playChannel(i);
    const duration = 2.5 / this.bpm;
    this.mix();
    const tick: SequencerTick = {
      order: this.order,
      pattern: this.song.orders[this.order] ?? 0,
      row: this.row,
      tick: this.frame,
      speed: this.speed,
      tempo: this.bpm,
      time: this.time,
      duration,
      channels: this.channels.map((c) => this.report(c)),
    };
    this.time += duration;
    return tick;
  }

  private finish(): null {
    this.ended = true;
    return null;
  }

  /** Marks the row about to play; true when the song would loop here. */
  private checkEnd(): boolean {
    const seen = this.visited[this.order];
    if (!seen) return true;
    const count = seen[this.row] ?? 0;
    const entered = this.enteredOrder;
    this.enteredOrder = false;
    if (count > 0 && (this.loopsActive === 0 || (entered && !this.insideLoop))) {
      if (!this.loop) return true;
      // Looping playback forgets the past and plays on.
      for (const v of this.visited) v.fill(0);
    }
    if ((seen[this.row] ?? 0) === 0) this.rowsSinceNew = 0;
    else if (++this.rowsSinceNew > STUCK_ROWS) return true;
    seen[this.row] = Math.min(255, (seen[this.row] ?? 0) + 1);
    return false;
  }

  private nextRow(): void {
    this.frame = 0;
    this.patternDelay = 0;
    if (this.pbreak) {
      this.pbreak = false;
      this.loopDest = -1;
      if (this.jump !== -1) {
        this.order = this.jump - 1;
        this.jump = -1;
      }
      this.nextOrder();
      return;
    }
    this.row++;
    if (this.loopDest >= 0) {
      this.row = this.loopDest;
      this.loopDest = -1;
    }
    if (this.row >= 64) this.nextOrder();
  }

  private nextOrder(): void {
    this.order++;
    if (this.order >= this.song.orders.length || this.order < 0) {
      const restart = this.song.restartPosition;
      this.order = restart < this.song.orders.length ? restart : 0;
    }
    this.row = this.jumpLine < 64 ? this.jumpLine : 0;
    this.jumpLine = 0;
    this.frame = 0;
    this.enteredOrder = true;
  }

  private readRow(): void {
    const pattern = this.song.patterns[this.song.orders[this.order] ?? 0];
    const cells = pattern?.rows[this.row];
    for (let i = 0; i < this.channels.length; i++) {
      const c = this.channels[i] as Channel;
      const e = toEvent(cells?.[i]);
      // The speed of this row counts before note delays are set up.
      if (e.fxt === 0xf && e.fxp > 0 && (e.fxp < 0x20 || this.vblank)) this.speed = e.fxp;
      if (e.fxt === 0xe && e.fxp >> 4 === 0xd && (e.fxp & 0xf) !== 0) {
        c.delay = (e.fxp & 0xf) + 1;
        c.delayedEvent = e;
        continue;
      }
      this.readEvent(i, e);
    }
  }

  private validInstrument(ins: number): boolean {
    const s = this.samples[ins];
    return ins >= 0 && s !== undefined && s.data.length > 0;
  }

  private readEvent(chn: number, e: Event): void {
    const c = this.channels[chn] as Channel;
    c.flags = 0;
    let note = -1;
    const isTonePorta = e.fxt === 0x3 || e.fxt === 0x5;
    const isRetrig = e.fxt === 0xe && e.fxp >> 4 === 0x9 && (e.fxp & 0xf) !== 0;
    let newInvalidIns = false;
    let newSwapIns = false;
    let sub: Sample | undefined;

    if (e.note - 1 >= 0 && e.note - 1 < MAX_KEYS && !isTonePorta) c.key = e.note - 1;
    if (e.ins) {
      const ins = e.ins - 1;
      c.offsetVal = 0;
      if (this.validInstrument(ins)) {
        sub = this.samples[ins];
        newSwapIns = true;
        // The finetune loads at once but only shows when a note or portamento sets the period.
        c.finetune = sub?.finetune ?? 0;
        c.ins = ins;
        c.volume = sub?.volume ?? 0;
      } else {
        newInvalidIns = true;
        // An empty sample number does not stop the channel in ProTracker: it is
        // queued like any swap and silences the channel at the end of the loop.
        if (isRetrig) this.resetVoice(c);
        else this.queuePatch(c, -1, -1);
      }
    }

    if (e.note) {
      if (!isTonePorta && e.note - 1 < MAX_KEYS) {
        const current = this.validInstrument(c.ins) ? this.samples[c.ins] : undefined;
        if (current) {
          note = c.key;
          const smp = newInvalidIns ? -1 : c.ins;
          if (smp >= 0) {
            this.setPatch(c, c.ins, smp, note);
            newSwapIns = false;
          }
        } else {
          c.flags = 0;
          note = c.key;
        }
      }
      if (note >= 0) {
        c.note = note;
        c.noteSet = true;
      }
    }

    // ProTracker 1/2: a sample number without a note (or with a tone portamento)
    // swaps the sample when the playing one reaches its loop end.
    if (newSwapIns && sub && c.noteSet) {
      this.queuePatch(c, e.ins - 1, e.ins - 1);
    }

    const current = this.validInstrument(c.ins) ? this.samples[c.ins] : undefined;
    // Effect defaults for a new row.
    if (current && note >= 0) {
      if (c.vibratoRetrigger) c.vibrato.phase = 0;
      if (c.tremoloRetrigger) c.tremolo.phase = 0;
    }
    c.delay = 0;
    c.arpeggio = [0, 0, 0];
    c.arpCount = 0;
    c.arpSize = 1;
    if (isTonePorta) c.portaSlide = 0;

    this.processEffect(c, e);

    if (note >= 0) {
      const per = notePeriod(note, c.finetune, this.tuning);
      if (c.period < 1 || !isTonePorta) c.period = per;
    }
    if (!current) return;
    if (note >= 0 && !newInvalidIns) this.voicePos(c, c.offsetVal);
    else if (newSwapIns && isRetrig) this.voicePos(c, 0);
    if (c.flags & OFFSET) {
      // ProTracker adds the offset to the sample start, so the next note with the
      // same offset command starts that much further on.
      c.offsetVal += c.offsetVal2;
      c.flags &= ~OFFSET;
    }
  }

  private processEffect(c: Channel, e: Event): void {
    let fxp = e.fxp;
    const hi = fxp >> 4;
    const lo = fxp & 0xf;
    switch (e.fxt) {
      case 0x0:
        c.arpeggio = [0, hi, lo];
        c.arpSize = 3;
        break;
      case 0x1:
        if (fxp) {
          c.flags |= PITCHBEND;
          c.freqSlide = -fxp;
        }
        break;
      case 0x2:
        if (fxp) {
          c.flags |= PITCHBEND;
          c.freqSlide = fxp;
        }
        break;
      case 0x3:
        if (fxp === 0) fxp = c.portaMemory;
        else c.portaMemory = fxp;
        c.portaSlide += fxp;
        if (!this.validInstrument(c.ins)) break;
        this.toneporta(c, e.note);
        c.flags |= TONEPORTA;
        break;
      case 0x4:
        c.flags |= VIBRATO;
        if (lo) c.vibrato.depth = lo << 2;
        if (hi) c.vibrato.rate = hi;
        break;
      case 0x5:
        c.portaSlide += c.portaMemory;
        if (!this.validInstrument(c.ins)) break;
        this.toneporta(c, e.note);
        c.flags |= TONEPORTA;
        this.volumeSlide(c, fxp);
        break;
      case 0x6:
        c.flags |= VIBRATO;
        this.volumeSlide(c, fxp);
        break;
      case 0x7:
        c.flags |= TREMOLO;
        if (lo) c.tremolo.depth = lo;
        if (hi) c.tremolo.rate = hi;
        break;
      case 0x9:
        if (fxp === 0) fxp = c.offsetMemory;
        else c.offsetMemory = fxp;
        c.flags |= OFFSET;
        if (e.note) {
          c.offsetVal = fxp << 8;
          c.offsetVal2 = fxp << 8;
        }
        if (e.ins) c.offsetVal2 = fxp << 8;
        break;
      case 0xa:
        this.volumeSlide(c, fxp);
        break;
      case 0xb:
        this.pbreak = true;
        this.jump = fxp;
        // A position jump cancels a break to a row set by a channel before it.
        this.jumpLine = 0;
        this.insideLoop = false;
        break;
      case 0xc:
        c.volume = fxp;
        break;
      case 0xd:
        this.pbreak = true;
        this.jumpLine = 10 * hi + lo;
        break;
      case 0xe:
        this.extendedEffect(c, hi, lo);
        break;
      case 0xf:
        if (fxp === 0) break;
        if (fxp < 0x20 || this.vblank) this.speed = fxp;
        else this.bpm = fxp;
        break;
    }
  }

  private volumeSlide(c: Channel, fxp: number): void {
    if (!fxp) return;
    c.flags |= VOL_SLIDE;
    const hi = fxp >> 4;
    c.volSlide = hi ? hi : -(fxp & 0xf);
  }

  private extendedEffect(c: Channel, sub: number, x: number): void {
    switch (sub) {
      case 0x1:
        if (x) {
          c.flags |= FINE_BEND;
          c.fineSlide = -x;
        }
        break;
      case 0x2:
        if (x) {
          c.flags |= FINE_BEND;
          c.fineSlide = x;
        }
        break;
      case 0x3:
        c.glissando = x !== 0;
        break;
      case 0x4:
        c.vibrato.type = x & 3;
        c.vibratoRetrigger = (x & 4) === 0;
        break;
      case 0x5:
        c.finetune = x >= 8 ? x - 16 : x;
        break;
      case 0x6:
        this.patternLoop(c, x);
        break;
      case 0x7:
        c.tremolo.type = x & 3;
        c.tremoloRetrigger = (x & 4) === 0;
        break;
      case 0x9:
        c.flags |= RETRIG;
        c.retrigVal = x;
        c.retrigCount = x + 1;
        c.retrigType = RETRIG_KEEP;
        break;
      case 0xa:
        if (x) {
          c.flags |= FINE_VOLS;
          c.fineVolSlide = x;
        }
        break;
      case 0xb:
        if (x) {
          c.flags |= FINE_VOLS;
          c.fineVolSlide = -x;
        }
        break;
      case 0xc:
        c.flags |= RETRIG;
        c.retrigVal = x + 1;
        c.retrigCount = c.retrigVal;
        c.retrigType = RETRIG_CUT;
        break;
      case 0xe:
        this.patternDelay = x;
        break;
      // E0x (filter), E8x (unused in ProTracker), EDx (handled when the row is
      // read) and EFx (invert loop, which rewrites sample data) change nothing here.
    }
  }

  private patternLoop(c: Channel, x: number): void {
    if (x === 0) {
      c.loopStart = this.row;
      this.insideLoop = true;
      return;
    }
    if (c.loopCount) {
      if (--c.loopCount) this.loopDest = c.loopStart;
      else this.loopsActive--;
    } else {
      c.loopCount = x;
      this.loopDest = c.loopStart;
      this.loopsActive++;
    }
    if (this.loopDest < 0) this.insideLoop = false;
  }

  private toneporta(c: Channel, note: number): void {
    if (note - 1 >= 0 && note - 1 < MAX_KEYS && this.validInstrument(c.ins)) {
      c.portaTarget = notePeriod(note - 1, c.finetune, this.tuning);
    }
    c.portaDir = c.period < c.portaTarget ? 1 : -1;
  }

  private playChannel(chn: number): void {
    const c = this.channels[chn] as Channel;
    if (c.delay > 0 && --c.delay === 0) this.readEvent(chn, c.delayedEvent);
    if (!c.voice.mapped) {
      this.updateVolume(c);
      return;
    }
    if (!this.validInstrument(c.ins)) return;
    if (c.flags & RETRIG && --c.retrigCount === 0) {
      if (c.retrigType === RETRIG_CUT) c.volume = 0;
      else this.voicePos(c, 0);
      c.retrigCount = c.retrigVal;
    }
    this.updateVolume(c);
    this.updateFrequency(c);
    this.processVolume(c);
    this.processFrequency(c);
    c.voice.pan = c.pan;
  }

  private updateVolume(c: Channel): void {
    if (this.frame % this.speed !== 0 && c.flags & VOL_SLIDE) c.volume += c.volSlide;
    if (this.frame % this.speed === 0 && c.flags & FINE_VOLS) c.volume += c.fineVolSlide;
    c.volume = Math.max(0, Math.min(64, c.volume));
  }

  private updateFrequency(c: Channel): void {
    if (this.frame !== 0) {
      if (c.flags & PITCHBEND) {
        c.period += c.freqSlide;
        // A slide moves the portamento target along with the period.
        c.portaTarget = c.period;
      }
      if (c.flags & TONEPORTA && c.portaTarget > 0) {
        let reached: boolean;
        if (c.portaDir > 0) {
          c.period += c.portaSlide;
          reached = c.period >= c.portaTarget;
        } else {
          c.period -= c.portaSlide;
          reached = c.period <= c.portaTarget;
        }
        if (reached) {
          c.period = c.portaTarget;
          c.portaDir = 0;
          c.flags &= ~TONEPORTA;
          // Once reached, the target is forgotten: a later 3xx without a note does nothing.
          c.portaTarget = -1;
        }
      }
    } else if (c.flags & FINE_BEND) {
      c.period += c.fineSlide;
    }
    c.period = Math.max(this.minPeriod(c.finetune), Math.min(this.maxPeriod(c.finetune), c.period));
    if (c.period < 0.25) c.voice.vol = 0;
  }

  private minPeriod(finetune: number): number {
    return notePeriod(MAX_PT_NOTE, finetune, this.tuning);
  }

  private maxPeriod(finetune: number): number {
    return notePeriod(MIN_PT_NOTE, finetune, this.tuning);
  }

  private processVolume(c: Channel): void {
    let vol = c.volume;
    if (c.flags & TREMOLO && this.frame !== 0) {
      vol += Math.trunc(lfoValue(c.tremolo) / 64);
      lfoAdvance(c.tremolo);
    }
    c.voice.vol = Math.max(0, Math.min(64, vol));
  }

  private processFrequency(c: Channel): void {
    let vibrato = 0;
    if (c.flags & VIBRATO && this.frame !== 0) {
      vibrato = Math.trunc(lfoValue(c.vibrato) / 512);
      lfoAdvance(c.vibrato);
    }
    const period = Math.max(0.1, c.period);
    const arp = c.arpeggio[c.arpCount] ?? 0;
    c.arpCount = (c.arpCount + 1) % c.arpSize;
    const final =
      this.tuning === 'protracker'
        ? this.tablePeriod(c, period + vibrato, arp)
        : this.equalPeriod(c, period + vibrato, arp);
    c.voice.period = final;
    c.finalPeriod = final;
    c.reportedPeriod = Math.max(this.minPeriod(c.finetune), Math.min(this.maxPeriod(c.finetune), final));
  }

  /** Arpeggio and glissando in equal temperament, counted from the note's own period. */
  private equalPeriod(c: Channel, period: number, arp: number): number {
    const glissando = c.glissando && (c.flags & TONEPORTA) !== 0;
    if (arp === 0 && !glissando) return period;
    const base = notePeriod(c.note, 0);
    let semitones = 12 * Math.log2(base / period);
    if (glissando) semitones = Math.round(semitones);
    if (arp !== 0) {
      semitones += arp;
      // ProTracker reads its period table past the end for the highest notes:
      // one step past B-3 finds 0 (silence), further steps wrap three octaves down.
      if (c.note + arp > MAX_PT_NOTE + 1) semitones -= 36;
      else if (c.note + arp > MAX_PT_NOTE) c.voice.vol = 0;
    }
    return base / 2 ** (semitones / 12);
  }

  /** Arpeggio and glissando read from ProTracker's period table, overflow included. */
  private tablePeriod(c: Channel, period: number, arp: number): number {
    if (arp !== 0) {
      const p = protrackerArpeggio(period, c.finetune, arp);
      if (p > 0) return p;
      c.voice.vol = 0;
      return period;
    }
    return c.glissando && c.flags & TONEPORTA ? protrackerGlissando(period, c.finetune) : period;
  }

  // ---- the voice: sample selection and position, as Paula plays it ----

  private loopOf(smp: number): { looped: boolean; start: number; end: number; full: boolean; len: number } {
    const s = this.samples[smp];
    if (!s) return { looped: false, start: 0, end: 0, full: false, len: 0 };
    const len = s.data.length;
    const looped = s.loopLength > 2 && s.loopStart + s.loopLength <= len;
    const lpe = s.loopStart + s.loopLength;
    return { looped, start: s.loopStart, end: lpe, full: looped && s.loopStart === 0 && len > lpe, len };
  }

  private adjustEnd(v: Voice): void {
    const l = this.loopOf(v.smp);
    if (l.looped) {
      v.start = l.start;
      // A loop starting at 0 plays the whole sample once before it loops.
      v.end = l.full && !v.looping ? l.len : l.end;
    } else {
      v.start = 0;
      v.end = l.len;
    }
  }

  private setPatch(c: Channel, ins: number, smp: number, note: number): void {
    const v = c.voice;
    v.mapped = true;
    this.loadSample(c, smp);
    v.ins = ins;
    v.note = note;
  }

  private loadSample(c: Channel, smp: number): void {
    const v = c.voice;
    v.smp = smp;
    v.vol = 0;
    v.looping = false;
    v.queued = false;
    v.paused = false;
    c.sampleEnded = false;
    this.setPosition(c, 0);
  }

  private hotswap(c: Channel, smp: number): void {
    const v = c.voice;
    const { vol, pan } = v;
    this.loadSample(c, smp);
    v.looping = true;
    v.vol = vol;
    v.pan = pan;
  }

  private queuePatch(c: Channel, ins: number, smp: number): void {
    const v = c.voice;
    if (v.mapped) {
      if (smp !== v.smp || v.paused) {
        v.queuedSmp = smp;
        v.queued = true;
      }
      if (ins >= 0) v.ins = ins;
      return;
    }
    // The previous sample has stopped: the swap starts a new note.
    if (smp < 0) return;
    this.setPatch(c, ins, smp, c.note);
    c.trigger = { sample: smp, offset: 0 };
  }

  private resetVoice(c: Channel): void {
    const v = c.voice;
    v.mapped = false;
    v.smp = -1;
    v.ins = -1;
    v.vol = 0;
    v.queued = false;
    v.paused = false;
  }

  /** Starts (or restarts) the voice at a frame; a queued swap takes effect now. */
  private voicePos(c: Channel, pos: number): void {
    const v = c.voice;
    if (!v.mapped) return;
    if (v.queued) {
      v.queued = false;
      if (v.queuedSmp < 0) v.paused = true;
      else if (v.smp !== v.queuedSmp) this.hotswap(c, v.queuedSmp);
      v.looping = true;
    }
    this.setPosition(c, pos);
    c.trigger = { sample: v.smp, offset: v.pos };
  }

  private setPosition(c: Channel, pos: number): void {
    const v = c.voice;
    v.pos = pos;
    this.adjustEnd(v);
    if (v.pos >= v.end) {
      v.pos = v.end;
      // An offset past the end of a looped sample starts inside the loop.
      if (this.loopOf(v.smp).looped) this.loopReposition(v);
    }
  }

  private loopReposition(v: Voice): void {
    if (!v.looping) {
      v.looping = true;
      this.adjustEnd(v);
    }
    v.pos -= v.end - v.start;
    const len = this.samples[v.smp]?.data.length ?? 0;
    if (v.pos > len + 1) v.pos = len + 1;
  }

  private endSample(c: Channel): void {
    c.sampleEnded = true;
  }

  /** Follows every voice through one tick of output at the mix rate. */
  private mix(): void {
    const tickFrames = Math.max(1, Math.trunc((this.mixRate * 2.5) / this.bpm));
    for (const c of this.channels) {
      const v = c.voice;
      if (!v.mapped) continue;
      if (v.period < 1) {
        this.resetVoice(c);
        continue;
      }
      if (v.pos < 0) v.pos = 0;
      if (v.paused) {
        if (!v.queued || v.queuedSmp < 0) {
          v.queued = false;
          continue;
        }
        this.hotswap(c, v.queuedSmp);
        v.pos = v.start;
        c.trigger = { sample: v.smp, offset: v.pos };
      }
      const step = C2_RATE_PRODUCT / this.mixRate / v.period;
      if (step < 0.001 || step > 32767) continue;
      let size = tickFrames;
      let guard = tickFrames;
      while (size > 0) {
        let frames: number;
        if (v.pos >= v.end) {
          frames = 0;
          if (--guard <= 0) break;
        } else {
          frames = Math.min(Math.ceil((v.end - v.pos) / step), size);
        }
        v.pos += step * frames;
        size -= frames;
        const looped = this.loopOf(v.smp).looped;
        if (!looped && !v.queued) {
          if (size > 0) this.endSample(c);
          break;
        }
        if (size > 0 || v.pos >= v.end) {
          if (v.queued) {
            const next = this.loopOf(v.queuedSmp);
            if (v.queuedSmp < 0 || (!looped && !next.looped)) {
              // A one-shot replaced by a one-shot (or by nothing) stops.
              v.queued = false;
              v.paused = true;
              this.endSample(c);
              break;
            }
            this.hotswap(c, v.queuedSmp);
            v.pos = v.start;
            c.trigger = { sample: v.smp, offset: v.pos };
            continue;
          }
          this.loopReposition(v);
        }
      }
    }
  }

  private report(c: Channel): ChannelTick {
    const v = c.voice;
    const sample = v.mapped && !c.sampleEnded && !v.paused ? v.smp : -1;
    const cut = c.lastSample >= 0 && sample < 0;
    c.lastSample = sample;
    const tick: ChannelTick = {
      sample,
      instrument: v.mapped ? v.ins : c.ins,
      period: c.finalPeriod,
      volume: v.vol,
      pan: c.pan,
      note: v.note,
      position: v.pos,
      ...(c.trigger ? { trigger: c.trigger } : {}),
      ...(cut ? { cut: true as const } : {}),
    };
    c.trigger = undefined;
    return tick;
  }

  /** The channel's period as the reference player reports it: clamped to the note range of its finetune. */
  reportedPeriod(chn: number): number {
    return this.channels[chn]?.reportedPeriod ?? 0;
  }

  /** Whether the channel holds a voice whose sample has not run out (the trace lists these). */
  isListed(chn: number): boolean {
    const c = this.channels[chn];
    return c?.voice.mapped === true && !c.sampleEnded;
  }
}
