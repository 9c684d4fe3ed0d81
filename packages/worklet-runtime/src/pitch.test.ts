// samplerStep restates the engine's pitch rule for the main thread; this holds the two
// together: a one-shot sample ends, in the real engine, where samplerStep says it does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../test/engine.js';
import { samplerStep } from './pitch.js';

const RATE = 48000;
const FRAMES = 1000;

/** The output frame at which the engine ends a one-shot of FRAMES frames played at `mode`/`value`. */
function engineEnd(mode: 0 | 1, value: number, baseFrequency: number, finetune: number): number {
  const e = createEngine(1, 1, RATE);
  const data = new Int8Array(FRAMES).fill(64);
  const ptr = e.alloc(FRAMES);
  new Int8Array(e.memory.buffer, ptr, FRAMES).set(data);
  e.stageSampler(0, ptr, FRAMES, 1, 0, 0, 64, finetune, baseFrequency, 0);
  e.noteOn(0, 0, 0, mode, value, 64, 0, 0, 1, 0);
  for (let q = 0; q < 1000; q++) {
    e.beginQuantum();
    e.render(0, 128);
    const f = e.takeEnded(0);
    if (f !== 0) return q * 128 + f - 1;
  }
  throw new Error('the voice never ended');
}

describe('samplerStep', () => {
  it('predicts where the engine ends a one-shot sample pitched by period', () => {
    fc.assert(
      fc.property(fc.double({ min: 60, max: 1000, noNaN: true }), (period) => {
        const step = samplerStep({ period }, RATE, 8363, 0);
        expect(Math.abs(engineEnd(0, period, 8363, 0) - FRAMES / step)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('predicts where the engine ends a one-shot sample pitched by frequency, base frequency and finetune', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 2000, max: 40000, noNaN: true }),
        fc.double({ min: 4000, max: 20000, noNaN: true }),
        fc.integer({ min: -8, max: 7 }),
        (frequency, base, finetune) => {
          const step = samplerStep({ frequency }, RATE, base, finetune);
          expect(Math.abs(engineEnd(1, frequency, base, finetune) - FRAMES / step)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
