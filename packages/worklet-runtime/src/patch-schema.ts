// The shape of an InstrumentPatch as a valibot schema: one declaration gives every field's
// type and range, and a failed check names the field by its path (`patch.loopStart`).
import * as v from 'valibot';
import { WAVEFORMS } from './protocol.js';

function inRange(min: number, max: number) {
  const expected = `expected a finite number in ${min}..${max}`;
  return v.pipe(v.number(expected), v.finite(expected), v.minValue(min, expected), v.maxValue(max, expected));
}

function wholeFrames() {
  const expected = 'expected a whole number of frames >= 0';
  return v.pipe(v.number(expected), v.integer(expected), v.minValue(0, expected));
}

const samplerSchema = v.object({
  kind: v.literal('sampler'),
  data: v.union(
    [v.instance(Int8Array), v.instance(Int16Array), v.instance(Float32Array)],
    'expected an Int8Array, Int16Array or Float32Array',
  ),
  loopStart: wholeFrames(),
  loopLength: wholeFrames(),
  volume: v.optional(inRange(0, 64)),
  finetune: v.optional(inRange(-8, 7)),
  baseFrequency: v.optional(inRange(1e-3, 1e7)),
  interpolation: v.optional(v.picklist(['linear', 'none'], "expected 'linear' or 'none'")),
});

const synthSchema = v.object({
  kind: v.literal('synth'),
  waveform: v.picklist(WAVEFORMS, `expected one of ${WAVEFORMS.map((w) => `'${w}'`).join(', ')}`),
  attack: inRange(0, 600),
  decay: inRange(0, 600),
  sustain: inRange(0, 1),
  release: inRange(0, 600),
  cutoff: inRange(1, 1e6),
  resonance: inRange(0, 1),
  volume: v.optional(inRange(0, 64)),
});

/** Every InstrumentPatch, told apart by `kind`. */
export const patchSchema = v.variant('kind', [samplerSchema, synthSchema], "expected 'sampler' or 'synth'");

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}

/**
 * Checks `patch` against the schema; returns null when it fits, else one line per
 * problem, each naming the field (`patch.loopStart: expected ..., got -1`).
 */
export function patchProblems(patch: unknown): string[] | null {
  const result = v.safeParse(patchSchema, patch);
  if (result.success) return null;
  return result.issues.map((issue) => {
    const path = v.getDotPath(issue);
    return `${path === null ? 'patch' : `patch.${path}`}: ${issue.message}, got ${describe(issue.input)}`;
  });
}
