// Instrument patches as users write them, checked and turned into protocol messages.
import { WorkletRuntimeError } from './errors.js';
import { loopRunsPast } from './loop.js';
import { patchProblems } from './patch-schema.js';
import type { PatchMessage, SampleFormat, SynthPatchMessage } from './protocol.js';

/** A sampled instrument. Loops of 2 frames (1 word) or less mean no loop, as in ProTracker. */
export interface SamplerPatch {
  readonly kind: 'sampler';
  readonly data: Int8Array | Int16Array | Float32Array;
  readonly loopStart: number;
  readonly loopLength: number;
  /** Default note volume 0..64 (64). */
  readonly volume?: number;
  /** -8..7 eighths of a semitone, applied to frequency-pitched notes (0). */
  readonly finetune?: number;
  /** Pitch in Hz heard at playback rate 1, one sample frame per output frame (8363). */
  readonly baseFrequency?: number;
  readonly interpolation?: 'linear' | 'none';
}

/** A small subtractive synth voice: the protocol's synth patch, with the volume optional. */
export interface SynthPatch extends Omit<SynthPatchMessage, 'volume'> {
  /** Default note volume 0..64 (64). */
  readonly volume?: number;
}

/** What an instrument plays. */
export type InstrumentPatch = SamplerPatch | SynthPatch;

/** A patch with its defaults filled in and its sample bytes copied (safe to transfer). */
export type ResolvedPatch = PatchMessage;

function bad(where: string, what: string): never {
  throw new WorkletRuntimeError('INVALID_PATCH', `${where}: ${what}`);
}

function formatOf(data: SamplerPatch['data']): SampleFormat {
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  return 'float32';
}

/**
 * Checks a patch and converts it into the message the processor expects. Throws
 * `WorkletRuntimeError('INVALID_PATCH')` naming the field (`patch.loopStart: expected
 * ..., got -1`); the caller's data is copied.
 */
export function resolvePatch(patch: InstrumentPatch, where: string): ResolvedPatch {
  // Types and ranges come from the schema; what depends on two fields is checked below.
  const problems = patchProblems(patch);
  if (problems !== null) bad(where, problems.join('; '));
  if (patch.kind === 'sampler') {
    const data = patch.data;
    const frames = data.length;
    if (frames === 0) bad(where, 'patch.data: expected at least one frame, got an empty array');
    const { loopStart, loopLength } = patch;
    if (loopStart > frames)
      bad(where, `patch.loopStart: expected 0..${frames} (the sample's frames), got ${loopStart}`);
    if (loopLength > frames) {
      bad(where, `patch.loopLength: expected 0..${frames} (the sample's frames), got ${loopLength}`);
    }
    if (loopRunsPast(loopStart, loopLength, frames)) {
      bad(where, `patch.loopLength: loop ${loopStart}+${loopLength} runs past the sample's ${frames} frames`);
    }
    const copy = data.slice();
    return {
      kind: 'sampler',
      format: formatOf(data),
      frames,
      data: copy.buffer as ArrayBuffer,
      loopStart,
      loopLength,
      volume: patch.volume ?? 64,
      finetune: patch.finetune ?? 0,
      baseFrequency: patch.baseFrequency ?? 8363,
      interpolation: patch.interpolation ?? 'linear',
    };
  }
  return {
    kind: 'synth',
    waveform: patch.waveform,
    attack: patch.attack,
    decay: patch.decay,
    sustain: patch.sustain,
    release: patch.release,
    cutoff: patch.cutoff,
    resonance: patch.resonance,
    volume: patch.volume ?? 64,
  };
}
