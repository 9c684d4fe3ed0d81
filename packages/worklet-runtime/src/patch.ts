// Instrument patches as users write them, checked and turned into protocol messages.
import { WorkletRuntimeError } from './errors.js';
import { type PatchMessage, type SampleFormat, WAVEFORMS, type Waveform } from './protocol.js';

/** A sampled instrument. Loops of 4 frames (2 words) or less mean no loop, as in ProTracker. */
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

/** A small subtractive synth voice. */
export interface SynthPatch {
  readonly kind: 'synth';
  readonly waveform: Waveform;
  /** Seconds. */
  readonly attack: number;
  readonly decay: number;
  /** Level 0..1. */
  readonly sustain: number;
  readonly release: number;
  /** Low-pass cutoff in Hz. */
  readonly cutoff: number;
  /** 0..1. */
  readonly resonance: number;
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

function finite(where: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    bad(where, `${name} must be a number in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function formatOf(data: SamplerPatch['data']): SampleFormat {
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  return 'float32';
}

/**
 * Checks a patch and converts it into the message the processor expects. Throws
 * `WorkletRuntimeError('INVALID_PATCH')` naming the field; the caller's data is copied.
 */
export function resolvePatch(patch: InstrumentPatch, where: string): ResolvedPatch {
  if (typeof patch !== 'object' || patch === null)
    bad(where, `patch must be an object, got ${String(patch)}`);
  if (patch.kind === 'sampler') {
    const data = patch.data;
    if (!(data instanceof Int8Array || data instanceof Int16Array || data instanceof Float32Array)) {
      bad(where, 'data must be an Int8Array, Int16Array or Float32Array');
    }
    const frames = data.length;
    if (frames === 0) bad(where, 'data is empty');
    const loopStart = finite(where, 'loopStart', patch.loopStart, 0, frames);
    const loopLength = finite(where, 'loopLength', patch.loopLength, 0, frames);
    if (!Number.isInteger(loopStart) || !Number.isInteger(loopLength)) {
      bad(where, `loopStart ${loopStart} and loopLength ${loopLength} must be whole frames`);
    }
    if (loopLength > 4 && loopStart + loopLength > frames) {
      bad(where, `loop ${loopStart}+${loopLength} runs past the sample's ${frames} frames`);
    }
    const interpolation = patch.interpolation ?? 'linear';
    if (interpolation !== 'linear' && interpolation !== 'none') {
      bad(where, `interpolation must be linear or none, got ${String(interpolation)}`);
    }
    const copy = data.slice();
    return {
      kind: 'sampler',
      format: formatOf(data),
      frames,
      data: copy.buffer as ArrayBuffer,
      loopStart,
      loopLength,
      volume: finite(where, 'volume', patch.volume ?? 64, 0, 64),
      finetune: finite(where, 'finetune', patch.finetune ?? 0, -8, 7),
      baseFrequency: finite(where, 'baseFrequency', patch.baseFrequency ?? 8363, 1e-3, 1e7),
      interpolation,
    };
  }
  if (patch.kind === 'synth') {
    if (!WAVEFORMS.includes(patch.waveform)) {
      bad(where, `waveform must be one of ${WAVEFORMS.join(', ')}, got ${String(patch.waveform)}`);
    }
    return {
      kind: 'synth',
      waveform: patch.waveform,
      attack: finite(where, 'attack', patch.attack, 0, 600),
      decay: finite(where, 'decay', patch.decay, 0, 600),
      sustain: finite(where, 'sustain', patch.sustain, 0, 1),
      release: finite(where, 'release', patch.release, 0, 600),
      cutoff: finite(where, 'cutoff', patch.cutoff, 1, 1e6),
      resonance: finite(where, 'resonance', patch.resonance, 0, 1),
      volume: finite(where, 'volume', patch.volume ?? 64, 0, 64),
    };
  }
  return bad(where, `kind must be sampler or synth, got ${String((patch as { kind?: unknown }).kind)}`);
}
