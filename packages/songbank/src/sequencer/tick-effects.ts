/**
 * The work of the armed effect families on every tick, the first included: volume
 * slides, pitch slides and portamento, tremolo, then vibrato, arpeggio and glissando into
 * the period Paula plays. One table, run in order, because later steps read what earlier
 * ones left (the tremolo starts from the slid volume, the vibrato from the slid period).
 */
import {
  MAX_PT_NOTE,
  MIN_PT_NOTE,
  notePeriod,
  protrackerArpeggio,
  protrackerGlissando,
  type Tuning,
} from '../periods.js';
import type { Channel, Oscillator } from './channel.js';

/** What a tick step may read beyond its channel. */
export interface TickContext {
  /** Tick within the row, counting on through pattern delays. */
  readonly frame: number;
  /** The first tick of a row or of one of its pattern-delay repeats. */
  readonly rowTick: boolean;
  readonly tuning: Tuning;
}

type TickStep = (ctx: TickContext, c: Channel) => void;

const SINE: readonly number[] = [
  0, 24, 49, 74, 97, 120, 141, 161, 180, 197, 212, 224, 235, 244, 250, 253, 255, 253, 250, 244, 235, 224, 212,
  197, 180, 161, 141, 120, 97, 74, 49, 24, 0, -24, -49, -74, -97, -120, -141, -161, -180, -197, -212, -224,
  -235, -244, -250, -253, -255, -253, -250, -244, -235, -224, -212, -197, -180, -161, -141, -120, -97, -74,
  -49, -24,
];

function oscillatorValue(o: Oscillator): number {
  if (o.speed === 0) return 0;
  let v: number;
  switch (o.waveform & 3) {
    case 0:
      v = SINE[o.pos] ?? 0;
      break;
    case 1:
      v = 255 - (o.pos << 3);
      break;
    default:
      // Square; ProTracker plays its "random" waveform (3) as a square too.
      v = o.pos < 32 ? 255 : -255;
  }
  return v * o.depth;
}

function oscillatorStep(o: Oscillator): void {
  o.pos = (o.pos + o.speed) & 63;
}

/** The period limits of a finetune: B-3 and C-1 in the tuning's table. */
function clampPeriod(period: number, finetune: number, tuning: Tuning): number {
  return Math.max(
    notePeriod(MAX_PT_NOTE, finetune, tuning),
    Math.min(notePeriod(MIN_PT_NOTE, finetune, tuning), period),
  );
}

/** Axy (ticks after the first) and EAx/EBx (first tick of each row repeat). */
const volumeSlides: TickStep = (ctx, c) => {
  const s = c.volumeSlide;
  if (!ctx.rowTick && s.active) c.volume += s.step;
  if (ctx.rowTick && s.fineActive) c.volume += s.fineStep;
  c.volume = Math.max(0, Math.min(64, c.volume));
};

/** 1xx/2xx and 3xx after the first tick, E1x/E2x on it; the period stays in the Amiga's range. */
const pitchSlides: TickStep = (ctx, c) => {
  const p = c.portamento;
  if (ctx.frame !== 0) {
    if (c.pitchSlide.active) {
      c.period += c.pitchSlide.step;
      // A slide moves the portamento target along with the period.
      p.target = c.period;
    }
    if (p.active && p.target > 0) {
      let reached: boolean;
      if (p.direction > 0) {
        c.period += p.speed;
        reached = c.period >= p.target;
      } else {
        c.period -= p.speed;
        reached = c.period <= p.target;
      }
      if (reached) {
        c.period = p.target;
        p.direction = 0;
        p.active = false;
        // Once reached, the target is forgotten: a later 3xx without a note does nothing.
        p.target = -1;
      }
    }
  } else if (c.pitchSlide.fineActive) {
    c.period += c.pitchSlide.fineStep;
  }
  c.period = clampPeriod(c.period, c.finetune, ctx.tuning);
  if (c.period < 0.25) c.voice.vol = 0;
};

/** 7xy after the first tick, on top of the channel volume. */
const tremolo: TickStep = (ctx, c) => {
  let vol = c.volume;
  if (c.tremolo.active && ctx.frame !== 0) {
    vol += Math.trunc(oscillatorValue(c.tremolo) / 64);
    oscillatorStep(c.tremolo);
  }
  c.voice.vol = Math.max(0, Math.min(64, vol));
};

/** 4xy after the first tick, then 0xy and E3x: the period Paula plays and the one reported. */
const pitchOutput: TickStep = (ctx, c) => {
  let vibrato = 0;
  if (c.vibrato.active && ctx.frame !== 0) {
    vibrato = Math.trunc(oscillatorValue(c.vibrato) / 512);
    oscillatorStep(c.vibrato);
  }
  const period = Math.max(0.1, c.period);
  const a = c.arpeggio;
  const arp = a.offsets[a.pos] ?? 0;
  a.pos = (a.pos + 1) % a.size;
  const final =
    ctx.tuning === 'protracker'
      ? tablePeriod(c, period + vibrato, arp)
      : equalPeriod(c, period + vibrato, arp);
  c.voice.period = final;
  c.out.finalPeriod = final;
  c.out.reportedPeriod = clampPeriod(final, c.finetune, ctx.tuning);
};

/** Arpeggio and glissando in equal temperament, counted from the note's own period. */
function equalPeriod(c: Channel, period: number, arp: number): number {
  const glissando = c.portamento.glissando && c.portamento.active;
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
function tablePeriod(c: Channel, period: number, arp: number): number {
  if (arp !== 0) {
    const p = protrackerArpeggio(period, c.finetune, arp);
    if (p > 0) return p;
    c.voice.vol = 0;
    return period;
  }
  return c.portamento.glissando && c.portamento.active ? protrackerGlissando(period, c.finetune) : period;
}

/** The tick steps, in the order they must run. */
const TICK_STEPS: readonly TickStep[] = [volumeSlides, pitchSlides, tremolo, pitchOutput];

/** Runs every tick step on a channel that holds a playable voice. */
export function tickEffects(ctx: TickContext, c: Channel): void {
  for (const step of TICK_STEPS) step(ctx, c);
}

/** The volume step alone: a channel without a voice still slides its volume. */
export function tickVolume(ctx: TickContext, c: Channel): void {
  volumeSlides(ctx, c);
}
