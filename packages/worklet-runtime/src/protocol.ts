// The one message protocol between the main thread and the engine processor. Both
// sides import this module; the processor validates every inbound message with
// `validateMessage` and answers a bad one with an `error` message instead of throwing.
import { isLoop } from './loop.js';

/** Sample formats the engine stores as they are (no conversion, no extra memory). */
export type SampleFormat = 'int8' | 'int16' | 'float32';

/** Bytes per frame of each sample format; the engine also takes this width as its format code. */
export const BYTES_PER_FRAME: Readonly<Record<SampleFormat, number>> = { int8: 1, int16: 2, float32: 4 };

/** Synth waveforms in engine order. */
export const WAVEFORMS = ['sine', 'square', 'saw', 'triangle', 'noise'] as const;

/** A synth oscillator shape. */
export type Waveform = (typeof WAVEFORMS)[number];

/** A sampler patch as sent to the processor: raw sample bytes plus playback settings. */
export interface SamplerPatchMessage {
  readonly kind: 'sampler';
  readonly format: SampleFormat;
  readonly frames: number;
  readonly data: ArrayBuffer;
  readonly loopStart: number;
  readonly loopLength: number;
  readonly volume: number;
  readonly finetune: number;
  readonly baseFrequency: number;
  readonly interpolation: 'linear' | 'none';
}

/** A synth patch as sent to the processor: the user's patch with every default filled in. */
export interface SynthPatchMessage {
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
  readonly volume: number;
}

/** Either patch kind. */
export type PatchMessage = SamplerPatchMessage | SynthPatchMessage;

/** Gives a slot its voice range [start, start+count) in the engine. */
export interface AssignMessage {
  readonly type: 'assign';
  readonly id: number;
  readonly frame: number;
  readonly slot: number;
  readonly start: number;
  readonly count: number;
}

/** Loads a patch into a slot; it becomes audible at `frame`. Answered with `ack`. */
export interface LoadMessage {
  readonly type: 'load';
  readonly id: number;
  readonly frame: number;
  readonly slot: number;
  readonly patch: PatchMessage;
}

/** Empties a slot at `frame`, freeing its voices' range and its sample memory. */
export interface ReleaseMessage {
  readonly type: 'release';
  readonly id: number;
  readonly frame: number;
  readonly slot: number;
}

/** Empties every slot at `frame`. */
export interface ResetMessage {
  readonly type: 'reset';
  readonly id: number;
  readonly frame: number;
}

/** Starts a voice. Exactly one of period / frequency. volume absent = the patch's volume. */
export interface NoteOnMessage {
  readonly type: 'note-on';
  readonly id: number;
  readonly frame: number;
  readonly slot: number;
  readonly voice: number;
  readonly period?: number;
  readonly frequency?: number;
  readonly volume?: number;
  readonly pan: number;
  readonly offset: number;
  readonly velocity: number;
}

/** Releases a voice. */
export interface NoteOffMessage {
  readonly type: 'note-off';
  readonly id: number;
  readonly frame: number;
  readonly slot: number;
  readonly voice: number;
}

/** Changes a sounding voice without retriggering it. */
export interface SetMessage {
  readonly type: 'set';
  readonly id: number;
  readonly frame: number;
  readonly slot: number;
  readonly voice: number;
  readonly period?: number;
  readonly frequency?: number;
  readonly volume?: number;
  readonly pan?: number;
  readonly offset?: number;
}

/** Asks for a `report`. */
export interface ReportRequest {
  readonly type: 'report';
  readonly id: number;
}

/** Asks for a `pong`; since the port is ordered, the pong proves all earlier messages arrived. */
export interface PingMessage {
  readonly type: 'ping';
  readonly id: number;
}

/**
 * TEST ONLY: makes the processor fail on purpose, so fault recovery can be tested with a
 * real node. `throw`: the next `process()` call throws once (the node fires
 * `processorerror`); `hang`: the processor stops answering messages and renders silence.
 * Never sent by the library itself.
 */
export interface FailForTestMessage {
  readonly type: 'fail-for-test';
  readonly id: number;
  readonly mode: 'throw' | 'hang';
}

/** Every message the main thread may send. */
export type ToProcessor =
  | FailForTestMessage
  | AssignMessage
  | LoadMessage
  | ReleaseMessage
  | ResetMessage
  | NoteOnMessage
  | NoteOffMessage
  | SetMessage
  | ReportRequest
  | PingMessage;

/** Why the processor refused a message. */
export type ProtocolErrorCode =
  | 'NOT_A_MESSAGE'
  | 'UNKNOWN_TYPE'
  | 'INVALID_FIELD'
  | 'SLOT_OUT_OF_RANGE'
  | 'VOICE_OUT_OF_RANGE'
  | 'SLOT_NOT_ASSIGNED'
  | 'SLOT_NOT_LOADED'
  | 'RANGE_OVERLAP'
  | 'TRUNCATED_SAMPLE'
  | 'INVALID_PATCH'
  | 'QUEUE_FULL'
  | 'OUT_OF_MEMORY';

/** Confirms a load (its samples are in engine memory). */
export interface AckReply {
  readonly type: 'ack';
  readonly id: number;
}

/** A refused message; `id` is null when the message had no usable id. */
export interface ErrorReply {
  readonly type: 'error';
  readonly id: number | null;
  readonly code: ProtocolErrorCode;
  readonly message: string;
}

/** A one-shot sample reached its end (or a synth finished its release). */
export interface EndedEvent {
  readonly type: 'ended';
  readonly slot: number;
  readonly voice: number;
  /** Context frame at which the voice went silent. */
  readonly frame: number;
}

/** What the processor reports on request. */
export interface ReportReply {
  readonly type: 'report';
  readonly id: number;
  /** Sounding voices per slot. */
  readonly activeVoices: number[];
  /** Quanta rendered so far. */
  readonly quanta: number;
  /** Render time per quantum in ms (null where the worklet scope has no clock). */
  readonly renderTime: { readonly last: number; readonly mean: number; readonly max: number } | null;
  /** Bytes of WASM linear memory. */
  readonly memoryBytes: number;
}

/** Answer to a ping. */
export interface PongReply {
  readonly type: 'pong';
  readonly id: number;
  /** process() calls so far: a processor the host stopped calling stops counting. */
  readonly quanta: number;
  /** The audio thread's current frame when the ping was answered. */
  readonly frame: number;
}

/** Every message the processor may send. */
export type FromProcessor = AckReply | ErrorReply | EndedEvent | ReportReply | PongReply;

/** The processor state the validator needs: limits and the slots' voice ranges. */
export interface ValidationView {
  readonly voices: number;
  readonly slots: number;
  /** Voices assigned to `slot` (0 = unassigned). */
  slotCount(slot: number): number;
  /** First voice of `slot`'s range. */
  slotStart(slot: number): number;
  /** Whether a patch has been loaded into `slot`. */
  slotLoaded(slot: number): boolean;
}

/** Outcome of validation: the typed message, or the reason it was refused. */
export type Validation =
  | { readonly ok: true; readonly message: ToProcessor }
  | {
      readonly ok: false;
      readonly id: number | null;
      readonly code: ProtocolErrorCode;
      readonly message: string;
    };

class Refusal {
  constructor(
    readonly code: ProtocolErrorCode,
    readonly message: string,
  ) {}
}

type Fields = Record<string, unknown>;

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return typeof value;
}

function num(m: Fields, key: string, where: string, min: number, max: number): number {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Refusal('INVALID_FIELD', `${where}: ${key} must be a finite number, got ${describe(v)}`);
  }
  if (v < min || v > max) {
    throw new Refusal('INVALID_FIELD', `${where}: ${key} ${v} is outside ${min}..${max}`);
  }
  return v;
}

function int(m: Fields, key: string, where: string, min: number, max: number): number {
  const v = num(m, key, where, min, max);
  if (!Number.isInteger(v)) throw new Refusal('INVALID_FIELD', `${where}: ${key} ${v} is not an integer`);
  return v;
}

function optNum(m: Fields, key: string, where: string, min: number, max: number): number | undefined {
  return m[key] === undefined ? undefined : num(m, key, where, min, max);
}

function oneOf<T extends string>(m: Fields, key: string, where: string, options: readonly T[]): T {
  const v = m[key];
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    throw new Refusal(
      'INVALID_FIELD',
      `${where}: ${key} must be one of ${options.join(', ')}, got ${describe(v)}`,
    );
  }
  return v as T;
}

function slotOf(m: Fields, where: string, view: ValidationView): number {
  const v = m.slot;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= view.slots) {
    throw new Refusal('SLOT_OUT_OF_RANGE', `${where}: slot ${describe(v)} is not in 0..${view.slots - 1}`);
  }
  return v;
}

function playingSlot(m: Fields, where: string, view: ValidationView): { slot: number; voice: number } {
  const slot = slotOf(m, where, view);
  const count = view.slotCount(slot);
  if (count === 0) throw new Refusal('SLOT_NOT_ASSIGNED', `${where}: slot ${slot} has no voices assigned`);
  if (!view.slotLoaded(slot))
    throw new Refusal('SLOT_NOT_LOADED', `${where}: slot ${slot} has no patch loaded`);
  const v = m.voice;
  const start = view.slotStart(slot);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < start || v >= start + count) {
    throw new Refusal(
      'VOICE_OUT_OF_RANGE',
      `${where}: voice ${describe(v)} is outside slot ${slot}'s voices ${start}..${start + count - 1}`,
    );
  }
  return { slot, voice: v };
}

function pitch(m: Fields, where: string, required: boolean): { period?: number; frequency?: number } {
  const period = optNum(m, 'period', where, 1, 1e6);
  const frequency = optNum(m, 'frequency', where, 1e-3, 1e6);
  if (period !== undefined && frequency !== undefined) {
    throw new Refusal('INVALID_FIELD', `${where}: give period or frequency, not both`);
  }
  if (required && period === undefined && frequency === undefined) {
    throw new Refusal('INVALID_FIELD', `${where}: a period or a frequency is required`);
  }
  return period !== undefined ? { period } : frequency !== undefined ? { frequency } : {};
}

function samplerPatch(p: Fields, where: string): SamplerPatchMessage {
  const format = oneOf(p, 'format', where, ['int8', 'int16', 'float32'] as const);
  const frames = int(p, 'frames', where, 1, 2 ** 28);
  const data = p.data;
  if (!(data instanceof ArrayBuffer)) {
    throw new Refusal('INVALID_PATCH', `${where}: data must be an ArrayBuffer, got ${describe(data)}`);
  }
  const need = frames * BYTES_PER_FRAME[format];
  if (data.byteLength < need) {
    throw new Refusal(
      'TRUNCATED_SAMPLE',
      `${where}: ${frames} ${format} frames need ${need} bytes, data has ${data.byteLength}`,
    );
  }
  const loopStart = int(p, 'loopStart', where, 0, frames);
  const loopLength = int(p, 'loopLength', where, 0, frames);
  if (isLoop(loopLength) && loopStart + loopLength > frames) {
    throw new Refusal(
      'INVALID_PATCH',
      `${where}: loop ${loopStart}+${loopLength} runs past the sample's ${frames} frames`,
    );
  }
  return {
    kind: 'sampler',
    format,
    frames,
    data,
    loopStart,
    loopLength,
    volume: num(p, 'volume', where, 0, 64),
    finetune: num(p, 'finetune', where, -8, 7),
    baseFrequency: num(p, 'baseFrequency', where, 1e-3, 1e7),
    interpolation: oneOf(p, 'interpolation', where, ['linear', 'none'] as const),
  };
}

function synthPatch(p: Fields, where: string): SynthPatchMessage {
  return {
    kind: 'synth',
    waveform: oneOf(p, 'waveform', where, WAVEFORMS),
    attack: num(p, 'attack', where, 0, 600),
    decay: num(p, 'decay', where, 0, 600),
    sustain: num(p, 'sustain', where, 0, 1),
    release: num(p, 'release', where, 0, 600),
    cutoff: num(p, 'cutoff', where, 1, 1e6),
    resonance: num(p, 'resonance', where, 0, 1),
    volume: num(p, 'volume', where, 0, 64),
  };
}

function parse(m: Fields, id: number, view: ValidationView): ToProcessor {
  const type = m.type;
  const where = `${describe(type)} #${id}`;
  switch (type) {
    case 'ping':
      return { type, id };
    case 'report':
      return { type, id };
    case 'fail-for-test':
      return { type, id, mode: oneOf(m, 'mode', where, ['throw', 'hang'] as const) };
    case 'reset':
      return { type, id, frame: num(m, 'frame', where, 0, Number.MAX_SAFE_INTEGER) };
    case 'assign': {
      const frame = num(m, 'frame', where, 0, Number.MAX_SAFE_INTEGER);
      const slot = slotOf(m, where, view);
      const start = int(m, 'start', where, 0, view.voices - 1);
      const count = int(m, 'count', where, 1, view.voices - start);
      for (let other = 0; other < view.slots; other++) {
        const n = view.slotCount(other);
        if (other === slot || n === 0) continue;
        const s = view.slotStart(other);
        if (start < s + n && s < start + count) {
          throw new Refusal(
            'RANGE_OVERLAP',
            `${where}: voices ${start}..${start + count - 1} overlap slot ${other}'s ${s}..${s + n - 1}`,
          );
        }
      }
      return { type, id, frame, slot, start, count };
    }
    case 'load': {
      const frame = num(m, 'frame', where, 0, Number.MAX_SAFE_INTEGER);
      const slot = slotOf(m, where, view);
      if (view.slotCount(slot) === 0) {
        throw new Refusal('SLOT_NOT_ASSIGNED', `${where}: slot ${slot} has no voices assigned`);
      }
      const p = m.patch;
      if (typeof p !== 'object' || p === null) {
        throw new Refusal('INVALID_PATCH', `${where}: patch must be an object, got ${describe(p)}`);
      }
      const pf = p as Fields;
      let patch: PatchMessage;
      if (pf.kind === 'sampler') patch = samplerPatch(pf, `${where} patch`);
      else if (pf.kind === 'synth') patch = synthPatch(pf, `${where} patch`);
      else
        throw new Refusal(
          'INVALID_PATCH',
          `${where}: patch.kind must be sampler or synth, got ${describe(pf.kind)}`,
        );
      return { type, id, frame, slot, patch };
    }
    case 'release': {
      const frame = num(m, 'frame', where, 0, Number.MAX_SAFE_INTEGER);
      return { type, id, frame, slot: slotOf(m, where, view) };
    }
    case 'note-on': {
      const frame = num(m, 'frame', where, 0, Number.MAX_SAFE_INTEGER);
      const { slot, voice } = playingSlot(m, where, view);
      const volume = optNum(m, 'volume', where, 0, 64);
      return {
        type,
        id,
        frame,
        slot,
        voice,
        ...pitch(m, where, true),
        ...(volume === undefined ? {} : { volume }),
        pan: num(m, 'pan', where, -1, 1),
        offset: num(m, 'offset', where, 0, 2 ** 28),
        velocity: num(m, 'velocity', where, 0, 1),
      };
    }
    case 'note-off': {
      const frame = num(m, 'frame', where, 0, Number.MAX_SAFE_INTEGER);
      return { type, id, frame, ...playingSlot(m, where, view) };
    }
    case 'set': {
      const frame = num(m, 'frame', where, 0, Number.MAX_SAFE_INTEGER);
      const { slot, voice } = playingSlot(m, where, view);
      const volume = optNum(m, 'volume', where, 0, 64);
      const pan = optNum(m, 'pan', where, -1, 1);
      const offset = optNum(m, 'offset', where, 0, 2 ** 28);
      return {
        type,
        id,
        frame,
        slot,
        voice,
        ...pitch(m, where, false),
        ...(volume === undefined ? {} : { volume }),
        ...(pan === undefined ? {} : { pan }),
        ...(offset === undefined ? {} : { offset }),
      };
    }
    default:
      throw new Refusal('UNKNOWN_TYPE', `message #${id}: unknown type ${describe(type)}`);
  }
}

/**
 * Checks an inbound message against the protocol and the processor's current slots.
 * Never throws: a bad message yields `{ ok: false, code, message }` naming the problem.
 */
export function validateMessage(data: unknown, view: ValidationView): Validation {
  if (typeof data !== 'object' || data === null) {
    return {
      ok: false,
      id: null,
      code: 'NOT_A_MESSAGE',
      message: `expected an object, got ${describe(data)}`,
    };
  }
  const m = data as Fields;
  const rawId = m.id;
  if (typeof rawId !== 'number' || !Number.isInteger(rawId) || rawId < 0) {
    return {
      ok: false,
      id: null,
      code: 'INVALID_FIELD',
      message: `message id must be a non-negative integer, got ${describe(rawId)}`,
    };
  }
  try {
    return { ok: true, message: parse(m, rawId, view) };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, id: rawId, code: error.code, message: error.message };
    return { ok: false, id: rawId, code: 'INVALID_FIELD', message: `message #${rawId}: ${String(error)}` };
  }
}
