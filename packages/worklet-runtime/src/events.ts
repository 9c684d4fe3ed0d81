// Checks of note events on the main thread, shared by every instrument kind, so a bad
// call throws a typed error at the caller and changes nothing. The ranges are the
// protocol's (LIMITS in protocol.ts): an event that passes here passes the processor's
// record check too.
import { WorkletRuntimeError } from './errors.js';
import type { NoteOffEvent, NoteOnEvent, SetEvent } from './instrument.js';
import type { InstrumentMix } from './mix-group.js';
import type { Pitch } from './pitch.js';
import { LIMITS, type Limit } from './protocol.js';

/** Context time in seconds: any non-negative time (a main-thread value, not sent as such). */
const TIME: Limit = { min: 0, max: Number.MAX_VALUE };

function fail(where: string, what: string): never {
  throw new WorkletRuntimeError('INVALID_ARGUMENT', `${where}: ${what}`);
}

function inRange(where: string, name: string, value: unknown, { min, max }: Limit): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(where, `${name} must be a number in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}

function optional(where: string, name: string, value: unknown, limit: Limit): number | undefined {
  return value === undefined ? undefined : inRange(where, name, value, limit);
}

function checkVoice(where: string, voice: unknown, voices: number): number {
  if (typeof voice !== 'number' || !Number.isInteger(voice) || voice < 0 || voice >= voices) {
    fail(where, `voice must be an integer in 0..${voices - 1}, got ${String(voice)}`);
  }
  return voice;
}

function checkPitch(
  where: string,
  period: unknown,
  frequency: unknown,
  required: boolean,
): Pitch | undefined {
  if (period !== undefined && frequency !== undefined) fail(where, 'give period or frequency, not both');
  if (period !== undefined) return { period: inRange(where, 'period', period, LIMITS.period) };
  if (frequency !== undefined) return { frequency: inRange(where, 'frequency', frequency, LIMITS.frequency) };
  if (required) fail(where, 'a period or a frequency is required');
  return undefined;
}

/** A checked noteOn event with its defaults filled in. */
export interface CheckedNoteOn {
  readonly time: number;
  readonly voice: number | undefined;
  readonly pitch: Pitch;
  readonly volume: number | undefined;
  readonly pan: number;
  readonly offset: number;
  readonly velocity: number;
}

/** Checks a noteOn event. */
export function checkNoteOn(where: string, e: NoteOnEvent, voices: number): CheckedNoteOn {
  if (typeof e !== 'object' || e === null) fail(where, 'the event must be an object');
  return {
    time: inRange(where, 'time', e.time, TIME),
    voice: e.voice === undefined ? undefined : checkVoice(where, e.voice, voices),
    pitch: checkPitch(where, e.period, e.frequency, true) as Pitch,
    volume: optional(where, 'volume', e.volume, LIMITS.volume),
    pan: inRange(where, 'pan', e.pan ?? 0, LIMITS.pan),
    offset: inRange(where, 'offset', e.offset ?? 0, LIMITS.offset),
    velocity: inRange(where, 'velocity', e.velocity ?? 1, LIMITS.velocity),
  };
}

/** A checked set event. */
export interface CheckedSet {
  readonly time: number;
  readonly voice: number;
  readonly pitch: Pitch | undefined;
  readonly volume: number | undefined;
  readonly pan: number | undefined;
}

/** Checks a set event. */
export function checkSet(where: string, e: SetEvent, voices: number): CheckedSet {
  if (typeof e !== 'object' || e === null) fail(where, 'the event must be an object');
  return {
    time: inRange(where, 'time', e.time, TIME),
    voice: checkVoice(where, e.voice, voices),
    pitch: checkPitch(where, e.period, e.frequency, false),
    volume: optional(where, 'volume', e.volume, LIMITS.volume),
    pan: optional(where, 'pan', e.pan, LIMITS.pan),
  };
}

/** Checks a noteOff event; `voice` undefined means every voice. */
export function checkNoteOff(
  where: string,
  e: NoteOffEvent,
  voices: number,
): { time: number; voice: number | undefined } {
  if (typeof e !== 'object' || e === null) fail(where, 'the event must be an object');
  return {
    time: inRange(where, 'time', e.time, TIME),
    voice: e.voice === undefined ? undefined : checkVoice(where, e.voice, voices),
  };
}

/** Checks an instrument's voice count. */
export function checkVoices(where: string, voices: unknown, max: number, name = 'voices'): number {
  if (typeof voices !== 'number' || !Number.isInteger(voices) || voices < 1 || voices > max) {
    fail(where, `${name} must be an integer in 1..${max}, got ${String(voices)}`);
  }
  return voices;
}

/** A mix change's gain, pan or time, checked (`name` says which). */
export function checkMixValue(where: string, name: 'gain' | 'pan', value: unknown): number {
  return inRange(where, name, value, LIMITS[name]);
}

/** An optional context time of a mix change. */
export function checkMixTime(where: string, time: unknown): number | undefined {
  return optional(where, 'time', time, TIME);
}

/** A mute or solo flag: a boolean, nothing else. */
export function checkFlag(where: string, name: 'mute' | 'solo', value: unknown): boolean {
  if (typeof value !== 'boolean') fail(where, `${name} must be true or false, got ${String(value)}`);
  return value;
}

/**
 * A checked setMute or setSolo on `mix`: the instrument's next mix and the context time
 * its group applies it from. Both kinds of instrument call it, so the rule is written once.
 */
export function flagChange(
  where: string,
  mix: InstrumentMix,
  name: 'mute' | 'solo',
  value: unknown,
  time: unknown,
): { readonly mix: InstrumentMix; readonly at: number | undefined } {
  const flag = checkFlag(where, name, value);
  const at = checkMixTime(where, time);
  return { mix: { ...mix, [name]: flag }, at };
}
