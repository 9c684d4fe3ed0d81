// The sampler's render loop (a SIMD fast path of four frames at a time and a per-frame one
// while both interpolation points lie inside the sample, a careful one at the loop end)
// checked against a plain per-frame statement of what a voice plays, for random samples,
// loops, pitches, offsets and quantum splits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleLoops } from '../src/loop.js';
import { createEngine, loadSampler } from './engine.js';

const RATE = 48000;
const HZ = 1;
const BASE = 8363;
const f = Math.fround;

type Format = 'int8' | 'int16' | 'float32';

interface Case {
  readonly format: Format;
  readonly values: readonly number[];
  readonly loopStart: number;
  readonly loopLength: number;
  readonly hz: number;
  readonly offset: number;
  readonly linear: boolean;
  readonly volume: number;
  readonly pan: number;
  readonly splits: readonly number[];
}

function sampleData(c: Case): Int8Array | Int16Array | Float32Array {
  if (c.format === 'int8') return Int8Array.from(c.values, (v) => Math.round(v * 127));
  if (c.format === 'int16') return Int16Array.from(c.values, (v) => Math.round(v * 32767));
  return Float32Array.from(c.values);
}

/**
 * What one voice plays into the left channel, frame by frame, in the engine's arithmetic:
 * a fixed-point read position (frame index and a 32-bit fraction) advanced by the pitch's
 * step rounded to the nearest 2^-32 frame, linear interpolation weighted by the fraction's
 * top 24 bits (an f32 exactly), and f32 sums and products.
 */
function reference(c: Case, data: Int8Array | Int16Array | Float32Array, frames: number): Float32Array {
  const scale = c.format === 'int8' ? 1 / 128 : c.format === 'int16' ? 1 / 32768 : 1;
  const read = (i: number) => f((data[i] as number) * scale);
  const n = data.length;
  const looped = sampleLoops(c.loopStart, c.loopLength, n);
  const ONE = 2n ** 32n;
  const loopStart = BigInt(looped ? c.loopStart : 0) * ONE;
  const end = BigInt(looped ? c.loopStart + c.loopLength : n) * ONE;
  const gain = f((c.volume / 64) * Math.min(1, 1 - c.pan));
  const step = BigInt(Math.round((c.hz / BASE) * 2 ** 32));
  const out = new Float32Array(frames);
  let pos = BigInt(c.offset) * ONE;
  if (!(pos < end)) {
    if (!looped) return out;
    pos = loopStart;
  }
  for (let i = 0; i < frames; i++) {
    const idx = Number(pos / ONE);
    let s = read(idx);
    if (c.linear) {
      const s1 = BigInt(idx + 1) * ONE < end ? read(idx + 1) : looped ? read(Number(loopStart / ONE)) : 0;
      s = f(s + f(f(s1 - s) * (Number((pos % ONE) >> 8n) / 2 ** 24)));
    }
    // The engine adds each voice into a zeroed buffer (so -0 comes out as 0).
    out[i] = f(0 + f(s * gain));
    pos += step;
    if (pos >= end) {
      if (!looped) break;
      while (pos >= end) pos -= end - loopStart;
    }
  }
  return out;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    format: fc.constantFrom<Format>('int8', 'int16', 'float32'),
    values: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 700 }),
    loopStartFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    loopLengthFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    hz: fc.double({ min: 50, max: 80_000, noNaN: true }),
    offsetFraction: fc.double({ min: 0, max: 1.2, noNaN: true }),
    linear: fc.boolean(),
    volume: fc.integer({ min: 0, max: 64 }),
    pan: fc.double({ min: -1, max: 1, noNaN: true }),
    splits: fc.array(fc.integer({ min: 1, max: 127 }), { maxLength: 4 }),
  })
  .map(({ values, loopStartFraction, loopLengthFraction, offsetFraction, ...rest }) => {
    const n = values.length;
    const loopStart = Math.floor(loopStartFraction * n);
    const loopLength = Math.floor(loopLengthFraction * (n - loopStart));
    return { ...rest, values, loopStart, loopLength, offset: Math.floor(offsetFraction * n) };
  });

describe('sampler render loop', () => {
  it('plays exactly the per-frame statement of a voice, wherever quanta are split', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const e = createEngine(1, 1, RATE);
        const data = sampleData(c);
        loadSampler(e, 0, data, {
          loopStart: c.loopStart,
          loopLength: c.loopLength,
          linear: c.linear,
          baseFrequency: BASE,
        });
        e.noteOn(0, 0, 0, HZ, c.hz, c.volume, c.pan, c.offset, 1, 0);
        const quanta = 12;
        const got = new Float32Array(quanta * 128);
        const cuts = [...new Set(c.splits)].sort((a, b) => a - b);
        for (let q = 0; q < quanta; q++) {
          e.beginQuantum();
          let from = 0;
          for (const cut of [...cuts, 128]) {
            e.render(from, cut);
            from = cut;
          }
          got.set(new Float32Array(e.memory.buffer, e.outputPtr(0), 128), q * 128);
        }
        expect(got).toEqual(reference(c, data, quanta * 128));
      }),
    );
  });
});
