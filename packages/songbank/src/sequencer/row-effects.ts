/**
 * The effects as ProTracker reads them on a row's first tick: one handler per effect
 * number (0-F) and one per E-command (E0-EF), in two tables. A handler sets up the state
 * of its effect family and arms it; the tick work of armed families is in tick-effects.ts.
 */
import { notePeriod, type Tuning } from '../periods.js';
import { type Channel, RETRIG_CUT, RETRIG_KEEP, type RowEvent } from './channel.js';
import type { SongFlow } from './song-flow.js';

/** The highest key a note can name, plus one. */
export const MAX_KEYS = 121;

/** What a row handler may reach beyond its channel. */
export interface RowContext {
  readonly flow: SongFlow;
  readonly tuning: Tuning;
  /** The sample exists and holds data. */
  validInstrument(ins: number): boolean;
}

type RowHandler = (ctx: RowContext, c: Channel, e: RowEvent) => void;
type ExtendedHandler = (ctx: RowContext, c: Channel, x: number) => void;

const nothing = (): void => {};

function volumeSlide(c: Channel, fxp: number): void {
  if (!fxp) return;
  c.volumeSlide.active = true;
  const hi = fxp >> 4;
  c.volumeSlide.step = hi ? hi : -(fxp & 0xf);
}

/** Aims the portamento at the note (when there is one) and picks its direction. */
function aimPortamento(ctx: RowContext, c: Channel, note: number): void {
  const p = c.portamento;
  if (note - 1 >= 0 && note - 1 < MAX_KEYS && ctx.validInstrument(c.ins)) {
    p.target = notePeriod(note - 1, c.finetune, ctx.tuning);
  }
  p.direction = c.period < p.target ? 1 : -1;
}

/** 3xx and the portamento half of 5xy: the speed adds up over the row's channels' reads. */
function tonePortamento(ctx: RowContext, c: Channel, e: RowEvent, speed: number): boolean {
  c.portamento.speed += speed;
  if (!ctx.validInstrument(c.ins)) return false;
  aimPortamento(ctx, c, e.note);
  c.portamento.active = true;
  return true;
}

function slidePitch(c: Channel, step: number): void {
  if (!step) return;
  c.pitchSlide.active = true;
  c.pitchSlide.step = step;
}

function finePitch(c: Channel, step: number): void {
  if (!step) return;
  c.pitchSlide.fineActive = true;
  c.pitchSlide.fineStep = step;
}

function fineVolume(c: Channel, step: number): void {
  if (!step) return;
  c.volumeSlide.fineActive = true;
  c.volumeSlide.fineStep = step;
}

/** E0x-EFx by command. E0x (filter), E8x (unused in ProTracker), EDx (handled when the
 * row is read) and EFx (invert loop, which rewrites sample data) change nothing here. */
const EXTENDED: readonly ExtendedHandler[] = [
  /* E0 */ nothing,
  /* E1 */ (_, c, x) => finePitch(c, -x),
  /* E2 */ (_, c, x) => finePitch(c, x),
  /* E3 */ (_, c, x) => {
    c.portamento.glissando = x !== 0;
  },
  /* E4 */ (_, c, x) => {
    c.vibrato.waveform = x & 3;
    c.vibrato.retrigger = (x & 4) === 0;
  },
  /* E5 */ (_, c, x) => {
    c.finetune = x >= 8 ? x - 16 : x;
  },
  /* E6 */ (ctx, c, x) => ctx.flow.patternLoop(c.patternLoop, x),
  /* E7 */ (_, c, x) => {
    c.tremolo.waveform = x & 3;
    c.tremolo.retrigger = (x & 4) === 0;
  },
  /* E8 */ nothing,
  /* E9 */ (_, c, x) => {
    const r = c.retrigger;
    r.active = true;
    r.interval = x;
    r.countdown = x + 1;
    r.mode = RETRIG_KEEP;
  },
  /* EA */ (_, c, x) => fineVolume(c, x),
  /* EB */ (_, c, x) => fineVolume(c, -x),
  /* EC */ (_, c, x) => {
    const r = c.retrigger;
    r.active = true;
    r.interval = x + 1;
    r.countdown = r.interval;
    r.mode = RETRIG_CUT;
  },
  /* ED */ nothing,
  /* EE */ (ctx, _, x) => ctx.flow.delayPattern(x),
  /* EF */ nothing,
];

/** 0xy-Fxx by effect number, as read on the row's first tick. */
const ROW: readonly RowHandler[] = [
  /* 0 arpeggio */ (_, c, e) => {
    const a = c.arpeggio;
    a.offsets = [0, e.fxp >> 4, e.fxp & 0xf];
    a.size = 3;
  },
  /* 1 slide up */ (_, c, e) => slidePitch(c, -e.fxp),
  /* 2 slide down */ (_, c, e) => slidePitch(c, e.fxp),
  /* 3 tone portamento */ (ctx, c, e) => {
    const p = c.portamento;
    let speed = e.fxp;
    if (speed === 0) speed = p.memory;
    else p.memory = speed;
    tonePortamento(ctx, c, e, speed);
  },
  /* 4 vibrato */ (_, c, e) => {
    c.vibrato.active = true;
    if (e.fxp & 0xf) c.vibrato.depth = (e.fxp & 0xf) << 2;
    if (e.fxp >> 4) c.vibrato.speed = e.fxp >> 4;
  },
  /* 5 portamento + volume slide */ (ctx, c, e) => {
    // Without an instrument to act on, the volume slide is dropped along with the portamento.
    if (tonePortamento(ctx, c, e, c.portamento.memory)) volumeSlide(c, e.fxp);
  },
  /* 6 vibrato + volume slide */ (_, c, e) => {
    c.vibrato.active = true;
    volumeSlide(c, e.fxp);
  },
  /* 7 tremolo */ (_, c, e) => {
    c.tremolo.active = true;
    if (e.fxp & 0xf) c.tremolo.depth = e.fxp & 0xf;
    if (e.fxp >> 4) c.tremolo.speed = e.fxp >> 4;
  },
  /* 8 (nothing in ProTracker) */ nothing,
  /* 9 sample offset */ (_, c, e) => {
    const o = c.offset;
    let fxp = e.fxp;
    if (fxp === 0) fxp = o.memory;
    else o.memory = fxp;
    o.active = true;
    if (e.note) {
      o.value = fxp << 8;
      o.step = fxp << 8;
    }
    if (e.ins) o.step = fxp << 8;
  },
  /* A volume slide */ (_, c, e) => volumeSlide(c, e.fxp),
  /* B position jump */ (ctx, _, e) => ctx.flow.positionJump(e.fxp),
  /* C set volume */ (_, c, e) => {
    c.volume = e.fxp;
  },
  /* D pattern break */ (ctx, _, e) => ctx.flow.patternBreak(10 * (e.fxp >> 4) + (e.fxp & 0xf)),
  /* E extended */ (ctx, c, e) => EXTENDED[e.fxp >> 4]?.(ctx, c, e.fxp & 0xf),
  /* F speed or tempo */ (ctx, _, e) => ctx.flow.setSpeed(e.fxp),
];

/** Reads a row event's effect on its channel. */
export function rowEffect(ctx: RowContext, c: Channel, e: RowEvent): void {
  ROW[e.fxt]?.(ctx, c, e);
}
