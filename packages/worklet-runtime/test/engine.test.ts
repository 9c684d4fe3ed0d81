// The WASM engine instantiated directly, without Web Audio: exact checks of sampler and
// synth voices and of sample memory.
import { describe, expect, it } from 'vitest';
import { createEngine, loadSampler, renderSlot } from './engine.js';
import { ramp } from './patches.js';

const RATE = 48000;
const UNIT = 7093789.2 / (2 * RATE); // period that steps one sample frame per output frame
const PERIOD = 0;
const HZ = 1;

describe('sampler voices', () => {
  it('plays a looped sample from the start, then around its loop, for as long as it is held', () => {
    const e = createEngine();
    const data = ramp(400);
    loadSampler(e, 0, data, { loopStart: 100, loopLength: 200, linear: false });
    e.noteOn(0, 0, 0, PERIOD, UNIT, 64, 0, 0, 1, 0);
    const [left] = renderSlot(e, 0, 40);
    for (let i = 0; i < left.length; i++) {
      const src = i < 300 ? i : 100 + ((i - 100) % 200);
      expect(left[i]).toBe((data[src] as number) / 128);
    }
    expect(e.voiceActive(0)).toBe(1);
  });

  it('treats a loop of 2 frames (1 word) or less as no loop, as ProTracker does', () => {
    const e = createEngine();
    loadSampler(e, 0, ramp(300), { loopStart: 0, loopLength: 2, linear: false });
    e.noteOn(0, 0, 0, PERIOD, UNIT, 64, 0, 0, 1, 0);
    const [left] = renderSlot(e, 0, 4);
    expect(left.slice(300).every((x) => x === 0)).toBe(true);
    expect(e.voiceActive(0)).toBe(0);
    expect(e.takeEnded(0)).toBe(300 - 256 + 1); // ended inside the third quantum, frame 44
  });

  it('keeps a loop of 4 frames (2 words) looping', () => {
    const e = createEngine();
    loadSampler(e, 0, ramp(300), { loopStart: 100, loopLength: 4, linear: false });
    e.noteOn(0, 0, 0, PERIOD, UNIT, 64, 0, 0, 1, 0);
    renderSlot(e, 0, 8);
    expect(e.voiceActive(0)).toBe(1);
  });

  it('a looped sample still sounds after 10 s', () => {
    const e = createEngine();
    loadSampler(e, 0, ramp(1000), { loopStart: 500, loopLength: 500 });
    e.noteOn(0, 0, 0, PERIOD, 214, 64, 0, 0, 1, 0);
    const quanta = Math.ceil((10 * RATE) / 128) + 1;
    const [left] = renderSlot(e, 0, quanta);
    const lastSecond = left.slice(left.length - RATE);
    expect(Math.max(...lastSecond.map(Math.abs))).toBeGreaterThan(0.3);
  });

  it('interpolates linearly between frames, or holds each frame with interpolation off', () => {
    const data = new Int16Array([0, 16384, -16384, 0, 8192, 8192, 0, 0]);
    const linear = createEngine();
    loadSampler(linear, 0, data, { linear: true });
    linear.noteOn(0, 0, 0, PERIOD, UNIT * 2, 64, 0, 0, 1, 0); // half a frame per frame
    const [l] = renderSlot(linear, 0, 1);
    expect(Array.from(l.slice(0, 6))).toEqual([0, 0.25, 0.5, 0, -0.5, -0.25]);
    const none = createEngine();
    loadSampler(none, 0, data, { linear: false });
    none.noteOn(0, 0, 0, PERIOD, UNIT * 2, 64, 0, 0, 1, 0);
    const [n] = renderSlot(none, 0, 1);
    expect(Array.from(n.slice(0, 6))).toEqual([0, 0, 0.5, 0.5, -0.5, -0.5]);
  });

  it('reads float32 samples as they are and scales int8 by 1/128', () => {
    const e = createEngine();
    loadSampler(e, 0, new Float32Array([0.75, -0.25]), { linear: false });
    loadSampler(e, 1, new Int8Array([-128, 64]), { linear: false });
    e.noteOn(0, 0, 0, PERIOD, UNIT, 64, 0, 0, 1, 0);
    e.noteOn(1, 1, 1, PERIOD, UNIT, 64, 0, 0, 1, 0);
    expect(Array.from(renderSlot(e, 0, 1)[0].slice(0, 2))).toEqual([0.75, -0.25]);
    e.noteOn(0, 0, 0, PERIOD, UNIT, 64, 0, 0, 1, 0);
    expect(Array.from(renderSlot(e, 1, 1)[0].slice(0, 2))).toEqual([0, 0]); // slot 1 ended in the previous quantum
  });

  it('applies volume 0..64 and the pan law left=min(1,1-pan), right=min(1,1+pan)', () => {
    const e = createEngine();
    loadSampler(e, 0, new Float32Array(64).fill(0.5), { linear: false });
    e.noteOn(0, 0, 0, PERIOD, UNIT, 32, 0.5, 0, 1, 0);
    const [l, r] = renderSlot(e, 0, 1);
    expect(l[0]).toBeCloseTo(0.5 * 0.5 * 0.5, 7);
    expect(r[0]).toBeCloseTo(0.5 * 0.5, 7);
    e.setPan(0, -1);
    e.setVolume(0, 64);
    const [l2, r2] = renderSlot(e, 0, 1);
    expect(l2[0]).toBe(0); // the one-shot of 64 frames ended in the first quantum
    e.noteOn(0, 0, 0, PERIOD, UNIT, 64, -1, 0, 1, 0);
    const [l3, r3] = renderSlot(e, 0, 1);
    expect(l3[0]).toBe(0.5);
    expect(r3[0]).toBe(0);
    expect(r2[0]).toBe(0);
  });

  it('starts at a sample offset, and an offset past a one-shot plays nothing', () => {
    const e = createEngine();
    const data = ramp(200);
    loadSampler(e, 0, data, { linear: false });
    e.noteOn(0, 0, 0, PERIOD, UNIT, 64, 0, 150, 1, 0);
    const [l] = renderSlot(e, 0, 1);
    expect(l[0]).toBe((data[150] as number) / 128);
    expect(l[50]).toBe(0);
    e.noteOn(1, 0, 0, PERIOD, UNIT, 64, 0, 500, 1, 1);
    expect(e.voiceActive(1)).toBe(0);
  });

  it('pitches by Amiga period (PAL clock) or by Hz relative to baseFrequency', () => {
    const e = createEngine();
    const data = new Float32Array(1000);
    for (let i = 0; i < data.length; i++) data[i] = i / 1000;
    loadSampler(e, 0, data, { baseFrequency: 440 });
    e.noteOn(0, 0, 0, PERIOD, 428, 64, 0, 0, 1, 0);
    const [byPeriod] = renderSlot(e, 0, 1);
    const step = 7093789.2 / (2 * 428) / RATE;
    expect(byPeriod[100]).toBeCloseTo((100 * step) / 1000, 5);
    e.noteOn(0, 0, 0, HZ, 660, 64, 0, 0, 1, 0);
    const [byHz] = renderSlot(e, 0, 1);
    expect(byHz[100]).toBeCloseTo(150 / 1000, 5);
  });

  it('changes pitch, volume and pan of a sounding voice without retriggering it', () => {
    const e = createEngine();
    const data = new Float32Array(1000);
    for (let i = 0; i < data.length; i++) data[i] = i / 1000;
    loadSampler(e, 0, data, { linear: false });
    e.noteOn(0, 0, 0, PERIOD, UNIT, 64, 0, 0, 1, 0);
    renderSlot(e, 0, 1);
    e.setPitch(0, PERIOD, UNIT / 2);
    const [l] = renderSlot(e, 0, 1);
    expect(l[0]).toBeCloseTo(128 / 1000, 6);
    expect(l[10]).toBeCloseTo(148 / 1000, 6);
  });
});

describe('synth voices', () => {
  it('follows its ADSR: attack to 1, decay to sustain, release to silence, then reports the end', () => {
    const e = createEngine();
    // Square wave with the filter wide open so the envelope shows directly.
    e.stageSynth(0, 1, 0.01, 0.01, 0.5, 0.01, 20000, 0, 64);
    e.noteOn(0, 0, 0, HZ, 100, 64, 0, 0, 1, 0);
    const [held] = renderSlot(e, 0, 20);
    const peak = Math.max(...held.slice(0, 600).map(Math.abs));
    expect(peak).toBeGreaterThan(0.9);
    // Sustained at 0.5: the square wave's RMS is its amplitude.
    const tail = held.slice(2000);
    expect(Math.sqrt(tail.reduce((a, v) => a + v * v, 0) / tail.length)).toBeCloseTo(0.5, 1);
    e.noteOff(0);
    const [released] = renderSlot(e, 0, 8);
    expect(Math.max(...released.slice(600).map(Math.abs))).toBe(0);
    expect(e.voiceActive(0)).toBe(0);
    expect(e.endedPending()).toBe(1);
  });

  it('oscillates at the requested frequency and scales with velocity', () => {
    const e = createEngine();
    e.stageSynth(0, 0, 0, 0, 1, 0, 20000, 0, 64);
    e.noteOn(0, 0, 0, HZ, 480, 64, 0, 0, 0.5, 0);
    const [l] = renderSlot(e, 0, 375); // one second
    let crossings = 0;
    for (let i = 1; i < l.length; i++) if ((l[i - 1] as number) < 0 && (l[i] as number) >= 0) crossings++;
    expect(crossings).toBeGreaterThanOrEqual(479);
    expect(crossings).toBeLessThanOrEqual(481);
    expect(Math.max(...l.slice(1000).map(Math.abs))).toBeCloseTo(0.5, 1);
  });

  it('low-passes: a low cutoff removes most of a high square wave', () => {
    const open = createEngine();
    open.stageSynth(0, 1, 0, 0, 1, 0, 20000, 0, 64);
    open.noteOn(0, 0, 0, HZ, 3917, 64, 0, 0, 1, 0);
    const closed = createEngine();
    closed.stageSynth(0, 1, 0, 0, 1, 0, 200, 0, 64);
    closed.noteOn(0, 0, 0, HZ, 3917, 64, 0, 0, 1, 0);
    const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
    expect(rms(renderSlot(closed, 0, 20)[0].slice(1000))).toBeLessThan(
      rms(renderSlot(open, 0, 20)[0].slice(1000)) * 0.1,
    );
  });

  it('draws the same noise for the same voice of an instrument wherever its slot is', () => {
    const a = createEngine();
    a.stageSynth(0, 4, 0, 0, 1, 0, 20000, 0, 64);
    a.noteOn(3, 0, 0, HZ, 100, 64, 0, 0, 1, 1);
    const b = createEngine();
    b.stageSynth(5, 4, 0, 0, 1, 0, 20000, 0, 64);
    b.noteOn(9, 2, 5, HZ, 100, 64, 0, 0, 1, 1);
    expect(renderSlot(b, 2, 3)[0]).toEqual(renderSlot(a, 0, 3)[0]);
  });
});

describe('sample memory', () => {
  it('grows only when a sample does not fit, and reuses the memory of freed records', () => {
    const e = createEngine();
    const base = e.memoryBytes();
    expect(base).toBeLessThanOrEqual(64 * 1024);
    const big = new Int8Array(300_000);
    loadSampler(e, 0, big);
    const grown = e.memoryBytes();
    expect(grown).toBeGreaterThanOrEqual(300_000);
    expect(grown).toBeLessThanOrEqual(300_000 + 256 * 1024);
    for (let round = 0; round < 20; round++) {
      e.freeRecord(0);
      loadSampler(e, 0, new Int8Array(200_000 + round * 1000));
    }
    expect(e.memoryBytes()).toBe(grown);
    e.freeRecord(0);
    // Everything after the fixed layout is one free block again.
    const free = e.freeBytes();
    loadSampler(e, 1, new Int8Array(free - 8));
    expect(e.memoryBytes()).toBe(grown);
  });

  it('keeps each record in its own memory: loading one never changes another', () => {
    const e = createEngine();
    const a = new Int8Array(5000).fill(7);
    loadSampler(e, 0, a, { linear: false });
    for (let r = 1; r < 8; r++) loadSampler(e, r, new Int8Array(10_000).fill(-3));
    for (let r = 1; r < 8; r += 2) e.freeRecord(r);
    loadSampler(e, 1, new Int8Array(30_000).fill(99));
    e.noteOn(0, 0, 0, PERIOD, UNIT, 64, 0, 0, 1, 0);
    const [l] = renderSlot(e, 0, 39);
    expect(l.slice(0, 5000).every((x) => x === 7 / 128)).toBe(true);
  });

  it('stops the voices of a freed record', () => {
    const e = createEngine();
    loadSampler(e, 2, ramp(10_000));
    e.noteOn(4, 1, 2, PERIOD, UNIT, 64, 0, 0, 1, 0);
    expect(e.activeVoices(1)).toBe(1);
    e.freeRecord(2);
    expect(e.activeVoices(1)).toBe(0);
  });
});
