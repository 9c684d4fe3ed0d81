// Sampler patches the suites share: four different samples in the three formats.
import type { SamplerPatch } from '../src/patch.js';

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
