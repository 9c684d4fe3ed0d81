// The one message protocol between the main thread and the engine processor. Both
// sides import this module. Control messages (assign, load, release...) are structured
// objects; voice events (note-on, note-off, set) travel as fixed-size records in a
// Float64Array, many per message (or through a shared ring), and this module is the one
// definition of that record layout. The processor checks every inbound message and record
// in place (`checkMessage`, `checkRecord`) and answers a bad one with an `error` message
// instead of throwing; nothing is built on the accepted path.
import { loopRunsPast } from './loop.js';

/** Sample formats the engine stores as they are (no conversion, no extra memory). */
export type SampleFormat = 'int8' | 'int16' | 'float32';

/** Bytes per frame of each sample format; the engine also takes this width as its format code. */
export const BYTES_PER_FRAME: Readonly<Record<SampleFormat, number>> = { int8: 1, int16: 2, float32: 4 };

/** Synth waveforms in engine order. */
export const WAVEFORMS = ['sine', 'square', 'saw', 'triangle', 'noise'] as const;

/** A synth oscillator shape. */
export type Waveform = (typeof WAVEFORMS)[number];

/** Sample formats in the order error messages list them. */
export const SAMPLE_FORMATS = ['int8', 'int16', 'float32'] as const satisfies readonly SampleFormat[];

/** How a sampler reads between sample frames. */
export const INTERPOLATIONS = ['linear', 'none'] as const;

/** An inclusive numeric range. */
export interface Limit {
  readonly min: number;
  readonly max: number;
}

/**
 * Every numeric limit of the protocol, written once. The processor's validator, the
 * main thread's event checks (events.ts) and the patch schema (patch-schema.ts) all read
 * their ranges from here, so the two sides of the port cannot disagree.
 */
export const LIMITS = {
  /** Context frame of a scheduled message or record. */
  frame: { min: 0, max: Number.MAX_SAFE_INTEGER },
  /** Amiga period (PAL clock). */
  period: { min: 1, max: 1e6 },
  /** Hz. */
  frequency: { min: 1e-3, max: 1e6 },
  /** Note and patch volume, ProTracker's scale. */
  volume: { min: 0, max: 64 },
  /** -1 left .. 1 right. */
  pan: { min: -1, max: 1 },
  /** Linear gain of an instrument's slot in the mix (16 is +24 dB). */
  gain: { min: 0, max: 16 },
  /** Start frame in the sample. */
  offset: { min: 0, max: 2 ** 28 },
  velocity: { min: 0, max: 1 },
  /** Frames of one sample. */
  frames: { min: 1, max: 2 ** 28 },
  /** Eighths of a semitone. */
  finetune: { min: -8, max: 7 },
  /** Hz heard at playback rate 1. */
  baseFrequency: { min: 1e-3, max: 1e7 },
  /** Seconds of a synth envelope stage (attack, decay, release). */
  envelope: { min: 0, max: 600 },
  /** Synth sustain level. */
  sustain: { min: 0, max: 1 },
  /** Synth low-pass cutoff in Hz. */
  cutoff: { min: 1, max: 1e6 },
  resonance: { min: 0, max: 1 },
  /** `sample-data` messages that may follow one chunked load. */
  chunks: { min: 0, max: 2 ** 20 },
  /** Byte offset of one `sample-data` chunk. */
  chunkOffset: { min: 0, max: 2 ** 30 },
} as const satisfies Record<string, Limit>;

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
  readonly interpolation: (typeof INTERPOLATIONS)[number];
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

/**
 * Loads a patch into a slot; it becomes audible at `frame`. Answered with `ack` once every
 * sample byte arrived. With `chunks` > 0, `patch.data` holds only the first bytes and that
 * many `sample-data` messages bring the rest, so no single message handler on the audio
 * thread copies a whole large sample.
 */
export interface LoadMessage {
  readonly type: 'load';
  readonly id: number;
  readonly frame: number;
  readonly slot: number;
  readonly patch: PatchMessage;
  readonly chunks?: number;
}

/** The next bytes of a chunked load's sample, at byte `offset` of the sample. */
export interface SampleDataMessage {
  readonly type: 'sample-data';
  readonly id: number;
  readonly slot: number;
  readonly offset: number;
  readonly data: ArrayBuffer;
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

/** Starts a voice. Exactly one of period / frequency. volume absent = the patch's volume. Sent as a record. */
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

/** Releases a voice. Sent as a record. */
export interface NoteOffMessage {
  readonly type: 'note-off';
  readonly id: number;
  readonly frame: number;
  readonly slot: number;
  readonly voice: number;
}

/** Changes a sounding voice without retriggering it. Sent as a record. */
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

/**
 * Changes a slot's place in the mix: its linear gain, its pan (-1..1) and whether it is
 * muted (the effective mute, solo rules already applied). Sent as a record.
 */
export interface MixMessage {
  readonly type: 'mix';
  readonly id: number;
  readonly frame: number;
  readonly slot: number;
  readonly gain?: number;
  readonly pan?: number;
  readonly mute?: boolean;
}

/** A batch of voice events: `count` records of RECORD_SIZE values each, in arrival order. */
export interface CommandsMessage {
  readonly type: 'commands';
  readonly id: number;
  readonly records: Float64Array;
  readonly count: number;
}

/** Asks for the voices that ended since the last answer (an `ended` reply). */
export interface EndedRequest {
  readonly type: 'ended';
  readonly id: number;
}

/** Asks for the slots' meters of the last rendered quantum (a `meters` reply). */
export interface MetersRequest {
  readonly type: 'meters';
  readonly id: number;
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
 * The node is being disposed: the processor returns its engine's memory (its region and
 * samples) to the scope's shared heap, answers nothing and renders nothing from then on.
 */
export interface CloseMessage {
  readonly type: 'close';
  readonly id: number;
}

/**
 * TEST ONLY: makes the processor fail on purpose, so fault recovery can be tested with a
 * real node. `throw`: the next `process()` call throws once (the node fires
 * `processorerror`); `hang`: the processor stops answering messages and renders silence.
 * Only the testing build of the processor obeys it; the production one refuses it as an
 * unknown type.
 */
export interface FailForTestMessage {
  readonly type: 'fail-for-test';
  readonly id: number;
  readonly mode: 'throw' | 'hang';
}

/** A voice event: what one command record carries. */
export type EventMessage = NoteOnMessage | NoteOffMessage | SetMessage | MixMessage;

/** A voice event before it has an id (the record's id is written beside it). */
export type EventFields =
  | Omit<NoteOnMessage, 'id'>
  | Omit<NoteOffMessage, 'id'>
  | Omit<SetMessage, 'id'>
  | Omit<MixMessage, 'id'>;

/** Every structured message the main thread may send. */
export type ToProcessor =
  | FailForTestMessage
  | AssignMessage
  | LoadMessage
  | SampleDataMessage
  | ReleaseMessage
  | ResetMessage
  | CommandsMessage
  | EndedRequest
  | ReportRequest
  | MetersRequest
  | PingMessage
  | CloseMessage;

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
  | 'UNEXPECTED_SAMPLE_DATA'
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

/** Offsets of the fields inside one entry of the ended-voices ring. */
export const EndedField = {
  Slot: 0,
  Voice: 1,
  /** Context frame at which the voice went silent. */
  Frame: 2,
} as const;

/** Values per entry of the ended-voices ring. */
export const ENDED_FIELDS = 3;

/**
 * Voices that ended since the previous answer, ENDED_FIELDS values each (slot, voice,
 * frame). Sent in answer to an `ended` request, and unasked after a `commands` batch,
 * ping or report whenever some are waiting. `dropped` counts entries the ring had no
 * room for.
 */
export interface EndedReply {
  readonly type: 'ended';
  readonly id: number;
  readonly entries: Float64Array;
  readonly dropped: number;
}

/** What the processor reports on request. */
export interface ReportReply {
  readonly type: 'report';
  readonly id: number;
  /** Sounding voices per slot. */
  readonly activeVoices: number[];
  /** Quanta rendered so far. */
  readonly quanta: number;
  /**
   * Render time per quantum in ms, timed from the first report request on (null before
   * that, and where the worklet scope has no clock).
   */
  readonly renderTime: { readonly last: number; readonly mean: number; readonly max: number } | null;
  /** Bytes of WASM linear memory. */
  readonly memoryBytes: number;
}

/**
 * The slots' level meters over the last rendered quantum, METER_FIELDS values per slot
 * (peak left, peak right, RMS left, RMS right), taken after gain, pan and mute.
 */
export interface MetersReply {
  readonly type: 'meters';
  readonly id: number;
  readonly meters: Float32Array;
  /**
   * Whether the meters hold a rendered quantum: the first request starts metering, so
   * until the processor has rendered once more they are zeros.
   */
  readonly metered: boolean;
}

/** Values per slot in a `meters` reply: peak left, peak right, RMS left, RMS right. */
export const METER_FIELDS = 4;

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
export type FromProcessor = AckReply | ErrorReply | EndedReply | ReportReply | MetersReply | PongReply;

/** What the main thread passes as the engine processor's `processorOptions`. */
export interface EngineProcessorOptions {
  readonly module: WebAssembly.Module;
  readonly voices: number;
  /** Slots (instruments) the engine hosts; defaults to the node's number of outputs. */
  readonly slots?: number;
  /** Every slot renders into output 0 (their sum) instead of an output of its own. */
  readonly sharedOutput?: boolean;
  /** false: gains step and cut voices stop at once (ProTracker-exact); default true. */
  readonly declick?: boolean;
  /**
   * Shared-memory transport: the command ring (SHARED_COMMAND_RECORDS records) followed by
   * the ended-voices ring (ENDED_RING_ENTRIES entries), see `sharedRingsBytes`.
   */
  readonly rings?: SharedArrayBuffer;
  /**
   * TEST ONLY (the testing build obeys it, the production one ignores it): the maximum, in
   * 64 KiB pages, of the scope's shared engine memory when this processor is the first of
   * its scope and so creates it; lets tests reach the memory limit quickly.
   */
  readonly memoryMaximumPagesForTest?: number;
  /**
   * The processor's key with its pool's sorting processor (mail.ts): its messages arrive,
   * and its replies leave, with the pool's other nodes' in one message per task.
   */
  readonly mail?: { readonly sorter: string; readonly key: string };
}

/** What the sorting processor gets as `processorOptions`: the name its pool's processors know it by. */
export interface MailSorterOptions {
  readonly sorter: string;
}

/** What the sorting processor registers under: the engine processor's name plus this. */
export const MAIL_PROCESSOR_SUFFIX = '-mail';

/**
 * A pool's messages of one task, both ways: `items` alternates a mailbox key and the
 * message (ToProcessor) or reply (FromProcessor) for that key, in the order sent.
 */
export interface MailMessage {
  readonly type: 'mail';
  readonly items: unknown[];
}

// ---------------------------------------------------------------------------------------
// The command record: RECORD_SIZE float64 values per voice event.

/** Offsets of the fields inside one command record. */
export const RecordField = {
  /** RecordOp of the event. */
  Op: 0,
  /** The event's message id (errors name it). */
  Id: 1,
  Frame: 2,
  Slot: 3,
  Voice: 4,
  /** Has bits: which optional fields below are present. */
  Has: 5,
  /** Period or frequency, as the Has bits say. */
  Pitch: 6,
  Volume: 7,
  Pan: 8,
  Offset: 9,
  Velocity: 10,
  /**
   * Shared-ring transport only: the id of the last port message sent before this record;
   * the processor holds the record back until that message has been handled, so a record
   * never overtakes a load or release sent before it.
   */
  After: 11,
} as const;

/** Float64 values per command record. */
export const RECORD_SIZE = 12;

/** Bytes per command record. */
export const RECORD_BYTES = RECORD_SIZE * 8;

/** The event a record carries. */
export const RecordOp = { NoteOn: 1, NoteOff: 2, Set: 3, Mix: 4 } as const;

/** Records the shared command ring holds (shared-memory transport). */
export const SHARED_COMMAND_RECORDS = 1024;

/** Entries of the ended-voices ring (in shared memory, or the processor's own). */
export const ENDED_RING_ENTRIES = 256;

/** Bits of the Has field: which optional values a record carries. */
export const Has = { Period: 1, Frequency: 2, Volume: 4, Pan: 8, Offset: 16 } as const;

const ALL_HAS = 31;

/**
 * Bits of the Has field of a mix record (RecordOp.Mix), which carries the gain in the
 * Volume field, the pan in Pan and the mute (0 or 1) in Velocity.
 */
export const MixHas = { Gain: 1, Pan: 2, Mute: 4 } as const;

const ALL_MIX_HAS = 7;

/** The engine takes a mix's gain and pan as whole multiples of 1 / MIX_UNIT (2^-24). */
export const MIX_UNIT = 2 ** 24;

const EVENT_TYPES = ['', 'note-on', 'note-off', 'set', 'mix'] as const;

/** Writes `event` (numbered `id`) as the record at value offset `at` of `records`. */
export function encodeRecord(
  records: Float64Array,
  at: number,
  id: number,
  event: EventFields,
  after = 0,
): void {
  records[at + RecordField.Id] = id;
  records[at + RecordField.Frame] = event.frame;
  records[at + RecordField.Slot] = event.slot;
  records[at + RecordField.Voice] = event.type === 'mix' ? 0 : event.voice;
  records[at + RecordField.After] = after;
  let has = 0;
  let pitch = 0;
  let volume = 0;
  let pan = 0;
  let offset = 0;
  let velocity = 0;
  if (event.type === 'mix') {
    records[at + RecordField.Op] = RecordOp.Mix;
    if (event.gain !== undefined) {
      has |= MixHas.Gain;
      volume = event.gain;
    }
    if (event.pan !== undefined) {
      has |= MixHas.Pan;
      pan = event.pan;
    }
    if (event.mute !== undefined) {
      has |= MixHas.Mute;
      velocity = event.mute ? 1 : 0;
    }
  } else if (event.type === 'note-off') {
    records[at + RecordField.Op] = RecordOp.NoteOff;
  } else {
    records[at + RecordField.Op] = event.type === 'note-on' ? RecordOp.NoteOn : RecordOp.Set;
    if (event.period !== undefined) {
      has |= Has.Period;
      pitch = event.period;
    } else if (event.frequency !== undefined) {
      has |= Has.Frequency;
      pitch = event.frequency;
    }
    if (event.volume !== undefined) {
      has |= Has.Volume;
      volume = event.volume;
    }
    if (event.pan !== undefined) {
      has |= Has.Pan;
      pan = event.pan;
    }
    if (event.offset !== undefined) {
      has |= Has.Offset;
      offset = event.offset;
    }
    if (event.type === 'note-on') velocity = event.velocity;
  }
  records[at + RecordField.Has] = has;
  records[at + RecordField.Pitch] = pitch;
  records[at + RecordField.Volume] = volume;
  records[at + RecordField.Pan] = pan;
  records[at + RecordField.Offset] = offset;
  records[at + RecordField.Velocity] = velocity;
}

/** A `commands` message carrying `events`, each with its own id (for hosts and tests that build batches). */
export function encodeCommands(id: number, events: readonly EventMessage[]): CommandsMessage {
  const records = new Float64Array(events.length * RECORD_SIZE);
  events.forEach((event, i) => {
    encodeRecord(records, i * RECORD_SIZE, event.id, event);
  });
  return { type: 'commands', id, records, count: events.length };
}

// ---------------------------------------------------------------------------------------
// Validation. Both checkers look at the data where it lies and build nothing unless they
// refuse: then (and only then) the explanation is put into words.

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

/** Outcome of validation: the message, or the reason it was refused. */
export type Validation =
  | { readonly ok: true; readonly message: ToProcessor }
  | {
      readonly ok: false;
      readonly id: number | null;
      readonly code: ProtocolErrorCode;
      readonly message: string;
    };

/** A refused record: its id (null when unusable), code and explanation. */
export type RecordValidation =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly id: number | null;
      readonly code: ProtocolErrorCode;
      readonly message: string;
    };

let explanation = '';

/** Why the last `checkMessage` or `checkRecord` refused (only filled when it refused). */
export function lastRefusal(): string {
  return explanation;
}

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

/** `"type" #id` (and ` patch` inside a patch), built only when a refusal needs it. */
function whereOf(m: Fields, nested: boolean): string {
  return `${describe(m.type)} #${String(m.id)}${nested ? ' patch' : ''}`;
}

/**
 * The message whose fields are being checked; kept here so that the helpers can name it
 * in a refusal without every call passing a freshly built description.
 */
const NONE: Fields = {};
let current: Fields = NONE;

function num(m: Fields, key: string, nested: boolean, { min, max }: Limit): number {
  const v = m[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Refusal(
      'INVALID_FIELD',
      `${whereOf(current, nested)}: ${key} must be a finite number, got ${describe(v)}`,
    );
  }
  if (v < min || v > max) {
    throw new Refusal('INVALID_FIELD', `${whereOf(current, nested)}: ${key} ${v} is outside ${min}..${max}`);
  }
  return v;
}

function int(m: Fields, key: string, nested: boolean, limit: Limit): number {
  const v = num(m, key, nested, limit);
  if (!Number.isInteger(v))
    throw new Refusal('INVALID_FIELD', `${whereOf(current, nested)}: ${key} ${v} is not an integer`);
  return v;
}

function oneOf(m: Fields, key: string, nested: boolean, options: readonly string[]): void {
  const v = m[key];
  if (typeof v !== 'string' || !options.includes(v)) {
    throw new Refusal(
      'INVALID_FIELD',
      `${whereOf(current, nested)}: ${key} must be one of ${options.join(', ')}, got ${describe(v)}`,
    );
  }
}

function slotOf(m: Fields, view: ValidationView): number {
  const v = m.slot;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= view.slots) {
    throw new Refusal(
      'SLOT_OUT_OF_RANGE',
      `${whereOf(m, false)}: slot ${describe(v)} is not in 0..${view.slots - 1}`,
    );
  }
  return v;
}

const FAULT_MODES = ['throw', 'hang'] as const;

function samplerPatch(p: Fields, chunked: boolean): void {
  oneOf(p, 'format', true, SAMPLE_FORMATS);
  const format = p.format as SampleFormat;
  const frames = int(p, 'frames', true, LIMITS.frames);
  const data = p.data;
  if (!(data instanceof ArrayBuffer)) {
    throw new Refusal(
      'INVALID_PATCH',
      `${whereOf(current, true)}: data must be an ArrayBuffer, got ${describe(data)}`,
    );
  }
  const need = frames * BYTES_PER_FRAME[format];
  if (chunked ? data.byteLength > need : data.byteLength < need) {
    throw new Refusal(
      'TRUNCATED_SAMPLE',
      `${whereOf(current, true)}: ${frames} ${format} frames need ${need} bytes, data has ${data.byteLength}${chunked ? ' in its first chunk' : ''}`,
    );
  }
  const withinSample = { min: 0, max: frames };
  const loopStart = int(p, 'loopStart', true, withinSample);
  const loopLength = int(p, 'loopLength', true, withinSample);
  if (loopRunsPast(loopStart, loopLength, frames)) {
    throw new Refusal(
      'INVALID_PATCH',
      `${whereOf(current, true)}: loop ${loopStart}+${loopLength} runs past the sample's ${frames} frames`,
    );
  }
  num(p, 'volume', true, LIMITS.volume);
  num(p, 'finetune', true, LIMITS.finetune);
  num(p, 'baseFrequency', true, LIMITS.baseFrequency);
  oneOf(p, 'interpolation', true, INTERPOLATIONS);
}

function synthPatch(p: Fields): void {
  oneOf(p, 'waveform', true, WAVEFORMS);
  num(p, 'attack', true, LIMITS.envelope);
  num(p, 'decay', true, LIMITS.envelope);
  num(p, 'sustain', true, LIMITS.sustain);
  num(p, 'release', true, LIMITS.envelope);
  num(p, 'cutoff', true, LIMITS.cutoff);
  num(p, 'resonance', true, LIMITS.resonance);
  num(p, 'volume', true, LIMITS.volume);
}

function frame(m: Fields): void {
  num(m, 'frame', false, LIMITS.frame);
}

/** Throws a Refusal for a bad message; returns quietly for a good one. */
function inspect(m: Fields, view: ValidationView): void {
  switch (m.type) {
    case 'ping':
    case 'report':
    case 'meters':
    case 'ended':
    case 'close':
      return;
    case 'fail-for-test':
      oneOf(m, 'mode', false, FAULT_MODES);
      return;
    case 'reset':
      frame(m);
      return;
    case 'commands': {
      const records = m.records;
      if (!(records instanceof Float64Array)) {
        throw new Refusal(
          'INVALID_FIELD',
          `${whereOf(m, false)}: records must be a Float64Array, got ${describe(records)}`,
        );
      }
      int(m, 'count', false, { min: 0, max: Math.floor(records.length / RECORD_SIZE) });
      return;
    }
    case 'assign': {
      frame(m);
      const slot = slotOf(m, view);
      const start = int(m, 'start', false, { min: 0, max: view.voices - 1 });
      const count = int(m, 'count', false, { min: 1, max: view.voices - start });
      for (let other = 0; other < view.slots; other++) {
        const n = view.slotCount(other);
        if (other === slot || n === 0) continue;
        const s = view.slotStart(other);
        if (start < s + n && s < start + count) {
          throw new Refusal(
            'RANGE_OVERLAP',
            `${whereOf(m, false)}: voices ${start}..${start + count - 1} overlap slot ${other}'s ${s}..${s + n - 1}`,
          );
        }
      }
      return;
    }
    case 'load': {
      frame(m);
      const slot = slotOf(m, view);
      if (view.slotCount(slot) === 0) {
        throw new Refusal('SLOT_NOT_ASSIGNED', `${whereOf(m, false)}: slot ${slot} has no voices assigned`);
      }
      const chunks = m.chunks === undefined ? 0 : int(m, 'chunks', false, LIMITS.chunks);
      const p = m.patch;
      if (typeof p !== 'object' || p === null) {
        throw new Refusal(
          'INVALID_PATCH',
          `${whereOf(m, false)}: patch must be an object, got ${describe(p)}`,
        );
      }
      const pf = p as Fields;
      if (pf.kind === 'sampler') samplerPatch(pf, chunks > 0);
      else if (pf.kind === 'synth') {
        if (chunks > 0)
          throw new Refusal(
            'INVALID_PATCH',
            `${whereOf(m, false)}: a synth patch has no sample data to chunk`,
          );
        synthPatch(pf);
      } else
        throw new Refusal(
          'INVALID_PATCH',
          `${whereOf(m, false)}: patch.kind must be sampler or synth, got ${describe(pf.kind)}`,
        );
      return;
    }
    case 'sample-data': {
      slotOf(m, view);
      int(m, 'offset', false, LIMITS.chunkOffset);
      if (!(m.data instanceof ArrayBuffer)) {
        throw new Refusal(
          'INVALID_FIELD',
          `${whereOf(m, false)}: data must be an ArrayBuffer, got ${describe(m.data)}`,
        );
      }
      return;
    }
    case 'release':
      frame(m);
      slotOf(m, view);
      return;
    case 'note-on':
    case 'note-off':
    case 'set':
      throw new Refusal(
        'UNKNOWN_TYPE',
        `message #${String(m.id)}: ${describe(m.type)} travels as a record in a "commands" batch`,
      );
    default:
      throw new Refusal('UNKNOWN_TYPE', `message #${String(m.id)}: unknown type ${describe(m.type)}`);
  }
}

/** The id of an inbound message, or null when it has no usable one. Builds nothing. */
export function messageId(data: unknown): number | null {
  if (typeof data !== 'object' || data === null) return null;
  const id = (data as Fields).id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null;
}

/**
 * Checks a structured message in place against the protocol and the processor's slots.
 * Returns null when it is good (then `data` is a ToProcessor), else the refusal code, with
 * the explanation in `lastRefusal()`. Never throws; builds nothing for a good message.
 */
export function checkMessage(data: unknown, view: ValidationView): ProtocolErrorCode | null {
  if (typeof data !== 'object' || data === null) {
    explanation = `expected an object, got ${describe(data)}`;
    return 'NOT_A_MESSAGE';
  }
  const m = data as Fields;
  if (messageId(m) === null) {
    explanation = `message id must be a non-negative integer, got ${describe(m.id)}`;
    return 'INVALID_FIELD';
  }
  current = m;
  try {
    inspect(m, view);
    return null;
  } catch (error) {
    if (error instanceof Refusal) {
      explanation = error.message;
      return error.code;
    }
    explanation = `message #${String(m.id)}: ${String(error)}`;
    return 'INVALID_FIELD';
  } finally {
    current = NONE;
  }
}

/** `checkMessage` with its answer as a value (for tests and tools on the main thread). */
export function validateMessage(data: unknown, view: ValidationView): Validation {
  const code = checkMessage(data, view);
  if (code === null) return { ok: true, message: data as ToProcessor };
  return { ok: false, id: code === 'NOT_A_MESSAGE' ? null : messageId(data), code, message: explanation };
}

function recordWhere(r: Float64Array, at: number): string {
  const op = r[at + RecordField.Op] as number;
  const name = EVENT_TYPES[op];
  return `${name ? JSON.stringify(name) : 'record'} #${r[at + RecordField.Id]}`;
}

/** Refuses with `code`; the text is only put together (by `say`) when it is needed. */
function refuseRecord(code: ProtocolErrorCode, r: Float64Array, at: number, say: string): ProtocolErrorCode {
  explanation = `${recordWhere(r, at)}: ${say}`;
  return code;
}

function badNumber(r: Float64Array, at: number, field: number, { min, max }: Limit): boolean {
  const v = r[at + field] as number;
  return !(v >= min && v <= max);
}

function explainNumber(r: Float64Array, at: number, field: number, key: keyof typeof LIMITS) {
  const v = r[at + field] as number;
  const { min, max } = LIMITS[key];
  return refuseRecord(
    'INVALID_FIELD',
    r,
    at,
    Number.isFinite(v) ? `${key} ${v} is outside ${min}..${max}` : `${key} must be a finite number, got ${v}`,
  );
}

/**
 * Checks the command record at value offset `at` of `r` against the protocol and the
 * processor's slots. Returns null when it is good, else the refusal code with the
 * explanation in `lastRefusal()` (the record's id is `recordId(r, at)`). Never throws;
 * builds nothing for a good record.
 */
export function checkRecord(r: Float64Array, at: number, view: ValidationView): ProtocolErrorCode | null {
  const id = r[at + RecordField.Id] as number;
  if (!(Number.isInteger(id) && id >= 0)) {
    explanation = `record id must be a non-negative integer, got ${id}`;
    return 'INVALID_FIELD';
  }
  const op = r[at + RecordField.Op] as number;
  if (op !== RecordOp.NoteOn && op !== RecordOp.NoteOff && op !== RecordOp.Set && op !== RecordOp.Mix) {
    return refuseRecord('UNKNOWN_TYPE', r, at, `unknown record op ${op}`);
  }
  if (badNumber(r, at, RecordField.Frame, LIMITS.frame))
    return explainNumber(r, at, RecordField.Frame, 'frame');
  const slot = r[at + RecordField.Slot] as number;
  if (!(Number.isInteger(slot) && slot >= 0 && slot < view.slots)) {
    return refuseRecord('SLOT_OUT_OF_RANGE', r, at, `slot ${slot} is not in 0..${view.slots - 1}`);
  }
  const count = view.slotCount(slot);
  if (count === 0) return refuseRecord('SLOT_NOT_ASSIGNED', r, at, `slot ${slot} has no voices assigned`);
  if (!view.slotLoaded(slot))
    return refuseRecord('SLOT_NOT_LOADED', r, at, `slot ${slot} has no patch loaded`);
  if (op === RecordOp.Mix) return checkMix(r, at);
  const voice = r[at + RecordField.Voice] as number;
  const start = view.slotStart(slot);
  if (!(Number.isInteger(voice) && voice >= start && voice < start + count)) {
    return refuseRecord(
      'VOICE_OUT_OF_RANGE',
      r,
      at,
      `voice ${voice} is outside slot ${slot}'s voices ${start}..${start + count - 1}`,
    );
  }
  if (op === RecordOp.NoteOff) return null;
  const has = r[at + RecordField.Has] as number;
  if (!(Number.isInteger(has) && has >= 0 && has <= ALL_HAS)) {
    return refuseRecord('INVALID_FIELD', r, at, `has ${has} is not a set of the bits 1..16`);
  }
  const period = (has & Has.Period) !== 0;
  const frequency = (has & Has.Frequency) !== 0;
  if (period && frequency) return refuseRecord('INVALID_FIELD', r, at, 'give period or frequency, not both');
  if (op === RecordOp.NoteOn && !period && !frequency)
    return refuseRecord('INVALID_FIELD', r, at, 'a period or a frequency is required');
  if (period && badNumber(r, at, RecordField.Pitch, LIMITS.period))
    return explainNumber(r, at, RecordField.Pitch, 'period');
  if (frequency && badNumber(r, at, RecordField.Pitch, LIMITS.frequency))
    return explainNumber(r, at, RecordField.Pitch, 'frequency');
  if (has & Has.Volume && badNumber(r, at, RecordField.Volume, LIMITS.volume))
    return explainNumber(r, at, RecordField.Volume, 'volume');
  // A note-on always carries pan, offset and velocity; a set only what its bits say.
  const always = op === RecordOp.NoteOn;
  if ((always || has & Has.Pan) && badNumber(r, at, RecordField.Pan, LIMITS.pan))
    return explainNumber(r, at, RecordField.Pan, 'pan');
  if ((always || has & Has.Offset) && badNumber(r, at, RecordField.Offset, LIMITS.offset))
    return explainNumber(r, at, RecordField.Offset, 'offset');
  if (always && badNumber(r, at, RecordField.Velocity, LIMITS.velocity))
    return explainNumber(r, at, RecordField.Velocity, 'velocity');
  return null;
}

function checkMix(r: Float64Array, at: number): ProtocolErrorCode | null {
  const has = r[at + RecordField.Has] as number;
  if (!(Number.isInteger(has) && has >= 0 && has <= ALL_MIX_HAS)) {
    return refuseRecord('INVALID_FIELD', r, at, `has ${has} is not a set of the mix bits 1..4`);
  }
  if (has & MixHas.Gain && badNumber(r, at, RecordField.Volume, LIMITS.gain))
    return explainNumber(r, at, RecordField.Volume, 'gain');
  if (has & MixHas.Pan && badNumber(r, at, RecordField.Pan, LIMITS.pan))
    return explainNumber(r, at, RecordField.Pan, 'pan');
  const mute = r[at + RecordField.Velocity] as number;
  if (has & MixHas.Mute && mute !== 0 && mute !== 1)
    return refuseRecord('INVALID_FIELD', r, at, `mute must be 0 or 1, got ${mute}`);
  return null;
}

/** The id of the record at `at`, or null when it has no usable one. */
export function recordId(r: Float64Array, at: number): number | null {
  const id = r[at + RecordField.Id] as number;
  return Number.isInteger(id) && id >= 0 ? id : null;
}

/** `checkRecord` with its answer as a value (for tests and tools on the main thread). */
export function validateRecord(r: Float64Array, at: number, view: ValidationView): RecordValidation {
  const code = checkRecord(r, at, view);
  if (code === null) return { ok: true };
  return { ok: false, id: recordId(r, at), code, message: explanation };
}
