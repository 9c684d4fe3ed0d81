// The shape of an InstrumentPatch as a valibot schema: one declaration gives every field's
// type, and a failed check names the field by its path (`patch.loopStart`). The ranges
// are the protocol's (LIMITS in protocol.ts), so the main thread refuses exactly what the
// processor would.
import * as v from 'valibot';
import { INTERPOLATIONS, LIMITS, type Limit, WAVEFORMS } from './protocol.js';

function inRange({ min, max }: Limit) {
  const expected = `expected a finite number in ${min}..${max}`;
  return v.pipe(v.number(expected), v.finite(expected), v.minValue(min, expected), v.maxValue(max, expected));
}

/** `'a', 'b' or 'c'` (joined by `or`) or `'a', 'b', 'c'` (by `,`). */
function quoted(options: readonly string[], join: 'or' | ','): string {
  const q = options.map((o) => `'${o}'`);
  if (join === ',') return q.join(', ');
  return `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
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
  volume: v.optional(inRange(LIMITS.volume)),
  finetune: v.optional(inRange(LIMITS.finetune)),
  baseFrequency: v.optional(inRange(LIMITS.baseFrequency)),
  interpolation: v.optional(v.picklist(INTERPOLATIONS, `expected ${quoted(INTERPOLATIONS, 'or')}`)),
});

const synthSchema = v.object({
  kind: v.literal('synth'),
  waveform: v.picklist(WAVEFORMS, `expected one of ${quoted(WAVEFORMS, ',')}`),
  attack: inRange(LIMITS.envelope),
  decay: inRange(LIMITS.envelope),
  sustain: inRange(LIMITS.sustain),
  release: inRange(LIMITS.envelope),
  cutoff: inRange(LIMITS.cutoff),
  resonance: inRange(LIMITS.resonance),
  volume: v.optional(inRange(LIMITS.volume)),
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
