// What declicking does to the engine's arithmetic, checked exactly on the bare WASM engine:
// gains ramp linearly to their target, a cut voice leaves a linear fade of what it
// would have played, a stealing note is the old note's fade plus the new note as if
// alone, and with declicking off every change steps at its frame.

import { describe, expect, it } from 'vitest';
import type { EngineExports } from '../src/engine-exports.js';
import { createEngine, loadSampler } from './engine.js';

const RATE = 48000;
const TAIL = 48;
const HZ = 1;

/** A slow sine (one cycle per 480 frames) as float32, looped whole. */
function sine(): Float32Array {
  return Float32Array.from({ length: 480 }, (_, i) => Math.sin((2 * Math.PI * i) / 480));
}

/** One voice's engine with the sine (record 0) and a DC level of 0.5 (record 1). */
function engine(declick: boolean): EngineExports {
  const e = createEngine(4, 1, RATE, false, declick);
  loadSampler(e, 0, sine(), { loopStart: 0, loopLength: 480, baseFrequency: RATE });
  loadSampler(e, 1, new Float32Array(64).fill(0.5), { loopStart: 0, loopLength: 64, baseFrequency: RATE });
  return e;
}

type Event = readonly [frame: number, apply: (e: EngineExports) => void];

/** Renders `frames` frames of slot 0's left channel, applying each event at its frame (as the processor does). */
function renderWith(e: EngineExports, frames: number, events: readonly Event[]): Float32Array {
  const out = new Float32Array(frames);
  const queue = [...events].sort((a, b) => a[0] - b[0]);
  for (let base = 0; base < frames; base += 128) {
    e.beginQuantum();
    let pos = 0;
    while (queue.length > 0 && (queue[0] as Event)[0] < base + 128) {
      const [frame, apply] = queue.shift() as Event;
      const at = Math.max(0, frame - base);
      if (at > pos) e.render(pos, at);
      pos = Math.max(pos, at);
      apply(e);
    }
    if (pos < 128) e.render(pos, 128);
    out.set(new Float32Array(e.memory.buffer, e.outputPtr(0), 128).subarray(0, frames - base), base);
  }
  return out;
}

const note =
  (voice: number, record: number, volume = 64) =>
  (e: EngineExports) =>
    e.noteOn(voice, 0, record, HZ, RATE, volume, 0, 0, 1, voice);

function largestStep(x: Float32Array, from = 1, to = x.length): number {
  let worst = 0;
  for (let i = Math.max(1, from); i < to; i++)
    worst = Math.max(worst, Math.abs((x[i] as number) - (x[i - 1] as number)));
  return worst;
}

describe('declicking in the engine', () => {
  it('ramps a volume change linearly over 1 ms (48 frames at 48 kHz), then holds the target', () => {
    const e = engine(true);
    expect(e.rampFrames()).toBe(TAIL);
    const out = renderWith(e, 1200, [
      [0, note(0, 1)],
      [1000, (x) => x.setVolume(0, 8)],
    ]);
    expect(out[999]).toBe(0.5);
    for (let k = 0; k < TAIL; k++)
      expect(out[1000 + k]).toBeCloseTo(0.5 + (0.0625 - 0.5) * ((k + 1) / TAIL), 6);
    for (let i = 1000 + TAIL; i < 1200; i++) expect(out[i]).toBe(0.0625);
  });

  it('a volume set at the frame a note starts applies at once (the voice has not sounded)', () => {
    const out = renderWith(engine(true), 256, [
      [100, note(0, 1)],
      [100, (x) => x.setVolume(0, 32)],
    ]);
    expect(out[99]).toBe(0);
    expect(out[100]).toBe(0.25);
  });

  it('a note-off fades what the voice would have played linearly to zero over the tail', () => {
    const held = renderWith(engine(true), 2048, [[0, note(0, 0)]]);
    const cut = renderWith(engine(true), 2048, [
      [0, note(0, 0)],
      [1000, (x) => x.noteOff(0)],
    ]);
    expect(cut.subarray(0, 1000)).toEqual(held.subarray(0, 1000));
    for (let k = 0; k < TAIL; k++)
      expect(cut[1000 + k]).toBeCloseTo(((held[1000 + k] as number) * (TAIL - k)) / (TAIL + 1), 6);
    expect(cut.subarray(1000 + TAIL).every((x) => x === 0)).toBe(true);
  });

  it('a stealing note starts at its exact frame: the old note fades under it as if released there', () => {
    const steal = renderWith(engine(true), 2048, [
      [0, note(0, 0)],
      [1037, note(0, 1)],
    ]);
    const released = renderWith(engine(true), 2048, [
      [0, note(0, 0)],
      [1037, (x) => x.noteOff(0)],
    ]);
    const alone = renderWith(engine(true), 2048, [[1037, note(1, 1)]]);
    expect(alone[1036]).toBe(0);
    expect(alone[1037]).toBe(0.5);
    for (let i = 0; i < 2048; i++)
      expect(steal[i]).toBeCloseTo((released[i] as number) + (alone[i] as number), 6);
  });

  it('cuts inside one ramp add their fades: retriggering every 10 frames never steps', () => {
    const events: Event[] = [[0, note(0, 0)]];
    for (let f = 600; f < 800; f += 10) events.push([f, note(0, 0)]);
    const out = renderWith(engine(true), 1024, events);
    const own = largestStep(renderWith(engine(true), 1024, [[0, note(0, 0)]]));
    expect(largestStep(out)).toBeLessThan(4 * own);
  });

  it('a synth voice stolen at its peak fades instead of jumping', () => {
    const synth = (declick: boolean) => {
      const e = createEngine(1, 1, RATE, false, declick);
      // A 50 Hz sine, instant attack, filter open: the stealing note starts at 0.
      e.stageSynth(0, 0, 0, 0, 1, 0, 20000, 0, 64);
      return renderWith(e, 2048, [
        [0, (x) => x.noteOn(0, 0, 0, HZ, 50, 64, 0, 0, 1, 0)],
        [1200, (x) => x.noteOn(0, 0, 0, HZ, 50, 64, 0, 0, 1, 0)],
      ]);
    };
    const own = largestStep(synth(true), 100, 1100);
    expect(largestStep(synth(false), 1190, 1210)).toBeGreaterThan(0.9);
    expect(largestStep(synth(true), 1190, 1260)).toBeLessThan(own + 1 / TAIL);
  });

  it('with declicking off, a note-off and a volume change step at their frame', () => {
    const out = renderWith(engine(false), 1200, [
      [0, note(0, 1)],
      [500, (x) => x.setVolume(0, 8)],
      [1000, (x) => x.noteOff(0)],
    ]);
    expect(out[499]).toBe(0.5);
    expect(out[500]).toBe(0.0625);
    expect(out[999]).toBe(0.0625);
    expect(out[1000]).toBe(0);
  });

  it('a slot silenced while a tail plays out still renders only into that slot', () => {
    const e = createEngine(4, 2, RATE, false, true);
    loadSampler(e, 0, new Float32Array(64).fill(0.5), { loopStart: 0, loopLength: 64, baseFrequency: RATE });
    e.noteOn(2, 1, 0, HZ, RATE, 64, 0, 0, 1, 0);
    e.beginQuantum();
    e.render(0, 64);
    e.silenceSlot(1);
    e.freeRecord(0);
    e.render(64, 128);
    const slot1 = new Float32Array(e.memory.buffer, e.outputPtr(1), 128);
    const slot0 = new Float32Array(e.memory.buffer, e.outputPtr(0), 128);
    expect(slot1[63]).toBe(0.5);
    expect(slot1[64]).toBeCloseTo((0.5 * TAIL) / (TAIL + 1), 6);
    expect(slot1[64 + TAIL]).toBe(0);
    expect(slot0.every((x) => x === 0)).toBe(true);
    expect(e.activeVoices(1)).toBe(0);
  });
});
