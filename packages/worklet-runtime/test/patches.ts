// Sample data and sampler patches the suites share: a ramp, and four different samples
// in the three formats.
import type { Instrument } from '../src/instrument.js';
import type { SamplerPatch } from '../src/patch.js';

/** An int8 sawtooth-like sample of `frames` frames with no zero frame, so sound is never mistaken for silence. */
export function ramp(frames: number): Int8Array {
  const data = new Int8Array(frames);
  for (let i = 0; i < frames; i++) data[i] = ((i * 7) % 200) - 100 || 1;
  return data;
}

/** Deterministic pseudo-random values in -1..1. */
function noise(n: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 1073741824 - 1;
  });
}

/** Four instruments: int8 one-shot, int16 looped, float32 one-shot, int8 looped. */
export function fourSamplers(): SamplerPatch[] {
  return [
    {
      kind: 'sampler',
      data: Int8Array.from(noise(3000, 1), (v) => Math.round(v * 100)),
      loopStart: 0,
      loopLength: 0,
    },
    {
      kind: 'sampler',
      data: Int16Array.from({ length: 4000 }, (_, i) => Math.round(Math.sin(i / 7) * 20000)),
      loopStart: 1000,
      loopLength: 3000,
      volume: 48,
    },
    {
      kind: 'sampler',
      data: Float32Array.from(noise(5000, 7), (v) => v * 0.7),
      loopStart: 0,
      loopLength: 0,
      interpolation: 'none',
    },
    {
      kind: 'sampler',
      data: Int8Array.from({ length: 1200 }, (_, i) => ((i * 5) % 200) - 100),
      loopStart: 200,
      loopLength: 1000,
      finetune: -3,
    },
  ];
}

/** A looped int8 sample (PT style) that plays for as long as it is held. */
export function loopedSampler(): SamplerPatch {
  return {
    kind: 'sampler',
    data: Int8Array.from({ length: 2000 }, (_, i) => Math.round(Math.sin(i / 9) * 100)),
    loopStart: 1000,
    loopLength: 1000,
  };
}

/** The same notes, slides and releases for instrument `k` (at 48 kHz). */
export function play(inst: Instrument, k: number): void {
  const rate = 48000;
  const periods = [428, 340, 254, 214, 302];
  for (let n = 0; n < 6; n++) {
    const time = (n * 1500 + k * 37) / rate;
    const v = inst.noteOn({
      time,
      period: periods[(n + k) % 5] as number,
      volume: 20 + 8 * n,
      pan: ((n % 3) - 1) * 0.5 + 0.1 * k,
    });
    inst.set({ time: time + 400 / rate, voice: v, period: (periods[n % 5] as number) + 7 * k, volume: 40 });
    if (n % 2 === 0) inst.noteOff({ time: time + 2000 / rate, voice: v });
  }
}
