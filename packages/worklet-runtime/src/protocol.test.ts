// The protocol's validators on the main thread: every refusal has its code and names the
// message, record and field, and a good message or record passes unchanged.
import { describe, expect, it } from 'vitest';
import {
  encodeCommands,
  type NoteOnMessage,
  type ValidationView,
  validateMessage,
  validateRecord,
} from './protocol.js';

// Slot 0 owns voices 0..3 and has a patch; slot 1 owns 4..7 without one; slots 2, 3 are free.
const view: ValidationView = {
  voices: 16,
  slots: 4,
  slotCount: (s) => [4, 4, 0, 0][s] ?? 0,
  slotStart: (s) => [0, 4, 0, 0][s] ?? 0,
  slotLoaded: (s) => s === 0,
};

const noteOn: NoteOnMessage = {
  type: 'note-on',
  id: 7,
  frame: 100,
  slot: 0,
  voice: 2,
  period: 428,
  pan: 0,
  offset: 0,
  velocity: 1,
};

function refusal(data: unknown) {
  const result = validateMessage(data, view);
  if (result.ok) throw new Error('expected a refusal');
  return result;
}

/** The verdict on `event` travelling as the only record of a batch. */
function recordVerdict(event: NoteOnMessage) {
  return validateRecord(encodeCommands(1, [event]).records, 0, view);
}

describe('validateMessage', () => {
  it('accepts a well-formed message as it is, without copying it', () => {
    const ping = { type: 'ping', id: 3, extra: 1 };
    const result = validateMessage(ping, view);
    expect(result.ok).toBe(true);
    expect(result.ok && result.message).toBe(ping);
  });

  it.each([
    [42, 'NOT_A_MESSAGE', 'expected an object, got 42'],
    [{ type: 'ping' }, 'INVALID_FIELD', 'message id must be a non-negative integer, got undefined'],
    [{ type: 'explode', id: 3 }, 'UNKNOWN_TYPE', 'message #3: unknown type "explode"'],
    [noteOn, 'UNKNOWN_TYPE', 'message #7: "note-on" travels as a record in a "commands" batch'],
    [
      { type: 'commands', id: 3, records: [1, 2], count: 1 },
      'INVALID_FIELD',
      'records must be a Float64Array',
    ],
    [
      { type: 'commands', id: 3, records: new Float64Array(12), count: 2 },
      'INVALID_FIELD',
      'count 2 is outside 0..1',
    ],
  ])('refuses %j with %s', (data, code, text) => {
    const result = refusal(data);
    expect(result.code).toBe(code);
    expect(result.message).toContain(text);
  });
});

describe('validateRecord', () => {
  it('accepts a well-formed note-on record', () => {
    expect(recordVerdict(noteOn)).toEqual({ ok: true });
  });

  it.each([
    [{ ...noteOn, voice: 5 }, 'VOICE_OUT_OF_RANGE', `"note-on" #7: voice 5 is outside slot 0's voices 0..3`],
    [{ ...noteOn, voice: 99 }, 'VOICE_OUT_OF_RANGE', "voice 99 is outside slot 0's voices 0..3"],
    [{ ...noteOn, voice: 2.5 }, 'VOICE_OUT_OF_RANGE', "voice 2.5 is outside slot 0's voices 0..3"],
    [{ ...noteOn, slot: 9 }, 'SLOT_OUT_OF_RANGE', 'slot 9 is not in 0..3'],
    [{ ...noteOn, slot: 2 }, 'SLOT_NOT_ASSIGNED', 'slot 2 has no voices assigned'],
    [{ ...noteOn, slot: 1, voice: 4 }, 'SLOT_NOT_LOADED', 'slot 1 has no patch loaded'],
    [{ ...noteOn, period: Number.NaN }, 'INVALID_FIELD', 'period must be a finite number, got NaN'],
    [{ ...noteOn, frame: -1 }, 'INVALID_FIELD', 'frame -1 is outside 0..9007199254740991'],
    [{ ...noteOn, pan: 2 }, 'INVALID_FIELD', 'pan 2 is outside -1..1'],
    [{ ...noteOn, velocity: Number.POSITIVE_INFINITY }, 'INVALID_FIELD', 'velocity must be a finite number'],
    [{ ...noteOn, id: -4 }, 'INVALID_FIELD', 'record id must be a non-negative integer, got -4'],
  ])('refuses %j with %s', (event, code, text) => {
    const result = recordVerdict(event);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.message).toContain(text);
  });

  it('refuses a record with both pitches, none, or an unknown op', () => {
    const { records } = encodeCommands(1, [noteOn]);
    records[5] = 3; // Has: period and frequency
    expect(validateRecord(records, 0, view)).toMatchObject({
      code: 'INVALID_FIELD',
      message: expect.stringContaining('give period or frequency, not both'),
    });
    records[5] = 0;
    expect(validateRecord(records, 0, view)).toMatchObject({
      message: expect.stringContaining('a period or a frequency is required'),
    });
    records[0] = 9;
    expect(validateRecord(records, 0, view)).toMatchObject({
      code: 'UNKNOWN_TYPE',
      id: 7,
      message: 'record #7: unknown record op 9',
    });
  });
});

describe('validateMessage (control messages)', () => {
  it('refuses a truncated sample, naming the frames and bytes', () => {
    const patch = {
      kind: 'sampler',
      format: 'int16',
      frames: 1000,
      data: new ArrayBuffer(1500),
      loopStart: 0,
      loopLength: 0,
      volume: 64,
      finetune: 0,
      baseFrequency: 8363,
      interpolation: 'linear',
    };
    const result = refusal({ type: 'load', id: 1, frame: 0, slot: 0, patch });
    expect(result).toEqual({
      ok: false,
      id: 1,
      code: 'TRUNCATED_SAMPLE',
      message: '"load" #1 patch: 1000 int16 frames need 2000 bytes, data has 1500',
    });
    expect(
      validateMessage(
        { type: 'load', id: 1, frame: 0, slot: 0, patch: { ...patch, data: new ArrayBuffer(2000) } },
        view,
      ).ok,
    ).toBe(true);
  });

  it('refuses a voice range that overlaps another slot', () => {
    const result = refusal({ type: 'assign', id: 4, frame: 0, slot: 2, start: 6, count: 4 });
    expect(result.code).toBe('RANGE_OVERLAP');
    expect(result.message).toContain("voices 6..9 overlap slot 1's 4..7");
    expect(validateMessage({ type: 'assign', id: 4, frame: 0, slot: 2, start: 8, count: 8 }, view).ok).toBe(
      true,
    );
    expect(refusal({ type: 'assign', id: 4, frame: 0, slot: 2, start: 8, count: 9 }).code).toBe(
      'INVALID_FIELD',
    );
  });

  it('refuses synth patches with unknown waveforms or out-of-range settings', () => {
    const synth = {
      kind: 'synth',
      waveform: 'sine',
      attack: 0,
      decay: 0,
      sustain: 1,
      release: 0,
      cutoff: 1000,
      resonance: 0,
      volume: 64,
    };
    expect(validateMessage({ type: 'load', id: 2, frame: 0, slot: 0, patch: synth }, view).ok).toBe(true);
    expect(
      refusal({ type: 'load', id: 2, frame: 0, slot: 0, patch: { ...synth, waveform: 'organ' } }).message,
    ).toContain('waveform must be one of sine, square, saw, triangle, noise, got "organ"');
    expect(
      refusal({ type: 'load', id: 2, frame: 0, slot: 0, patch: { ...synth, sustain: 1.5 } }).message,
    ).toContain('sustain 1.5 is outside 0..1');
  });
});
