// The patch schema at the API boundary: every bad field of a patch is refused with a
// typed error that names it by its path, before anything reaches a processor.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkletRuntimeError } from './errors.js';
import { type InstrumentPatch, resolvePatch } from './patch.js';

const sampler: InstrumentPatch = { kind: 'sampler', data: new Int8Array(100), loopStart: 10, loopLength: 50 };
const synth: InstrumentPatch = {
  kind: 'synth',
  waveform: 'sine',
  attack: 0.01,
  decay: 0.1,
  sustain: 0.5,
  release: 0.2,
  cutoff: 2000,
  resonance: 0.1,
};

function refusal(patch: unknown): WorkletRuntimeError {
  try {
    resolvePatch(patch as InstrumentPatch, 'here');
  } catch (error) {
    if (error instanceof WorkletRuntimeError) return error;
    throw error;
  }
  throw new Error('the patch was accepted');
}

describe('patch validation at the API boundary', () => {
  it.each([
    [{ ...sampler, loopStart: -1 }, 'here: patch.loopStart: expected a whole number of frames >= 0, got -1'],
    [
      { ...sampler, loopLength: 2.5 },
      'here: patch.loopLength: expected a whole number of frames >= 0, got 2.5',
    ],
    [{ ...sampler, volume: 65 }, 'here: patch.volume: expected a finite number in 0..64, got 65'],
    [
      { ...sampler, finetune: Number.NaN },
      'here: patch.finetune: expected a finite number in -8..7, got NaN',
    ],
    [
      { ...sampler, interpolation: 'cubic' },
      `here: patch.interpolation: expected 'linear' or 'none', got "cubic"`,
    ],
    [
      { ...sampler, data: [1, 2, 3] },
      'here: patch.data: expected an Int8Array, Int16Array or Float32Array, got object',
    ],
    [
      { ...sampler, data: new Uint8Array(4) },
      'here: patch.data: expected an Int8Array, Int16Array or Float32Array, got Uint8Array',
    ],
    [{ ...sampler, loopStart: 101 }, "here: patch.loopStart: expected 0..100 (the sample's frames), got 101"],
    [
      { ...sampler, loopStart: 60, loopLength: 50 },
      "here: patch.loopLength: loop 60+50 runs past the sample's 100 frames",
    ],
    [
      { ...synth, waveform: 'pulse' },
      `here: patch.waveform: expected one of 'sine', 'square', 'saw', 'triangle', 'noise', got "pulse"`,
    ],
    [{ ...synth, sustain: 2 }, 'here: patch.sustain: expected a finite number in 0..1, got 2'],
    [
      { ...synth, cutoff: undefined },
      'here: patch.cutoff: expected a finite number in 1..1000000, got undefined',
    ],
    [{ kind: 'fm' }, `here: patch.kind: expected 'sampler' or 'synth', got "fm"`],
  ])('names the field: %o', (patch, message) => {
    const error = refusal(patch);
    expect(error.code).toBe('INVALID_PATCH');
    expect(error.message).toBe(message);
  });

  it('refuses what is not an object', () => {
    expect(refusal(null).message).toMatch(/^here: patch: /);
    expect(refusal('sampler').code).toBe('INVALID_PATCH');
  });

  it('lists every bad field of one patch', () => {
    expect(refusal({ ...synth, attack: -1, release: 'long' }).message).toBe(
      'here: patch.attack: expected a finite number in 0..600, got -1; ' +
        'patch.release: expected a finite number in 0..600, got "long"',
    );
  });

  it('accepts good patches and fills in defaults', () => {
    expect(resolvePatch(sampler, 'here')).toMatchObject({
      volume: 64,
      finetune: 0,
      baseFrequency: 8363,
      interpolation: 'linear',
    });
    expect(resolvePatch(synth, 'here')).toMatchObject({ kind: 'synth', volume: 64 });
  });

  it('any object either resolves or fails with INVALID_PATCH naming a patch field', () => {
    const value = fc.oneof(
      fc.double(),
      fc.integer({ min: -10, max: 200 }),
      fc.string(),
      fc.constant(undefined),
    );
    const arb = fc.record(
      {
        kind: fc.constantFrom('sampler', 'synth', 'other'),
        data: fc.oneof(
          fc.int8Array({ maxLength: 50 }),
          fc.float32Array({ maxLength: 50 }),
          fc.constant(null),
        ),
        loopStart: value,
        loopLength: value,
        volume: value,
        waveform: fc.constantFrom('sine', 'saw', 'x'),
        attack: value,
        decay: value,
        sustain: value,
        release: value,
        cutoff: value,
        resonance: value,
      },
      { requiredKeys: ['kind'] },
    );
    fc.assert(
      fc.property(arb, (patch) => {
        try {
          resolvePatch(patch as unknown as InstrumentPatch, 'here');
        } catch (error) {
          expect(error).toBeInstanceOf(WorkletRuntimeError);
          expect((error as WorkletRuntimeError).code).toBe('INVALID_PATCH');
          expect((error as WorkletRuntimeError).message).toMatch(/^here: patch(\.[a-zA-Z]+)?: /);
        }
      }),
    );
  });
});
