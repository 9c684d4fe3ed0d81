// WAV encoding: headers and samples as other tools read them, and its typed errors.
import fc from 'fast-check';
import { OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { type AudioBufferLike, encodeWav, floatToInt16, type WavEncodeError } from './wav.js';

function bufferOf(channels: Float32Array[], sampleRate: number): AudioBufferLike {
  return {
    numberOfChannels: channels.length,
    sampleRate,
    length: channels[0]?.length ?? 0,
    getChannelData: (i) => channels[i]!,
  };
}

interface ParsedWav {
  format: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitDepth: number;
  factFrames: number | undefined;
  riffSize: number;
  decoded: Float32Array[];
}

/** Walks the RIFF chunks the way a WAV reader does, so the test checks the file, not the encoder's offsets. */
function parseWav(bytes: Uint8Array): ParsedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fourcc = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  expect(fourcc(0)).toBe('RIFF');
  expect(fourcc(8)).toBe('WAVE');
  const riffSize = view.getUint32(4, true);
  let at = 12;
  let fmt: Omit<ParsedWav, 'decoded' | 'factFrames' | 'riffSize'> | undefined;
  let factFrames: number | undefined;
  while (at + 8 <= bytes.length) {
    const id = fourcc(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        byteRate: view.getUint32(body + 8, true),
        blockAlign: view.getUint16(body + 12, true),
        bitDepth: view.getUint16(body + 14, true),
      };
      if (size > 16) expect(view.getUint16(body + 16, true)).toBe(size - 18);
    } else if (id === 'fact') {
      factFrames = view.getUint32(body, true);
    } else if (id === 'data') {
      if (!fmt) throw new Error('data before fmt');
      const frames = size / fmt.blockAlign;
      const decoded = Array.from({ length: fmt.channels }, () => new Float32Array(frames));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < fmt.channels; c++) {
          const pos = body + i * fmt.blockAlign + (c * fmt.bitDepth) / 8;
          if (fmt.format === 3) {
            decoded[c]![i] = view.getFloat32(pos, true);
          } else {
            const int = view.getInt16(pos, true);
            decoded[c]![i] = int < 0 ? int / 32768 : int / 32767;
          }
        }
      }
      return { ...fmt, factFrames, riffSize, decoded };
    }
    at = body + size + (size % 2);
  }
  throw new Error('no data chunk');
}

describe('encodeWav', () => {
  const left = Float32Array.from([0, 0.5, -0.5, 1, -1, 2, -2, Number.NaN]);
  const right = Float32Array.from([0.25, -0.25, 0.1, -0.1, 0, 0, 0, 0]);

  it('writes a 16-bit PCM header', () => {
    const bytes = encodeWav(bufferOf([left, right], 44100));
    const wav = parseWav(bytes);
    expect(bytes.length).toBe(44 + 8 * 4);
    expect(wav).toMatchObject({
      format: 1,
      channels: 2,
      sampleRate: 44100,
      byteRate: 44100 * 4,
      blockAlign: 4,
      bitDepth: 16,
      factFrames: undefined,
      riffSize: bytes.length - 8,
    });
  });

  it('writes a 32-bit float header with a fact chunk', () => {
    const bytes = encodeWav(bufferOf([left], 48000), { bitDepth: 32 });
    const wav = parseWav(bytes);
    expect(wav).toMatchObject({
      format: 3,
      channels: 1,
      sampleRate: 48000,
      byteRate: 48000 * 4,
      blockAlign: 4,
      bitDepth: 32,
      factFrames: 8,
      riffSize: bytes.length - 8,
    });
  });

  it('clips to full scale and writes NaN as silence in 16-bit', () => {
    const wav = parseWav(encodeWav(bufferOf([left], 8000)));
    const ints = [...wav.decoded[0]!].map((v) => Math.round(v < 0 ? v * 32768 : v * 32767));
    expect(ints).toEqual([0, 16384, -16384, 32767, -32768, 32767, -32768, 0]);
  });

  it('pads an odd-sized data chunk to a word', () => {
    const bytes = encodeWav(bufferOf([Float32Array.from([0.5])], 8000));
    expect(bytes.length).toBe(44 + 2);
    const mono8 = encodeWav(bufferOf([new Float32Array(0)], 8000));
    expect(parseWav(mono8).decoded[0]!.length).toBe(0);
  });

  it('rounds to the nearest step', () => {
    expect(floatToInt16(0.4 / 32767)).toBe(0);
    expect(floatToInt16(0.6 / 32767)).toBe(1);
    expect(floatToInt16(-0.6 / 32768)).toBe(-1);
  });

  it('decodes back to the input within half a 16-bit step, exactly in float', () => {
    const channel = fc.float({ noNaN: true, min: -1.5, max: 1.5 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 192000 }),
        fc.array(channel, { minLength: 1200, maxLength: 1200 }),
        (channels, length, sampleRate, pool) => {
          const data = Array.from({ length: channels }, (_, c) =>
            Float32Array.from({ length }, (_, i) => pool[(c * 300 + i) % pool.length]!),
          );
          const buffer = bufferOf(data, sampleRate);
          const pcm = parseWav(encodeWav(buffer));
          const float = parseWav(encodeWav(buffer, { bitDepth: 32 }));
          expect(pcm.sampleRate).toBe(sampleRate);
          expect(float.factFrames).toBe(length);
          for (let c = 0; c < channels; c++) {
            expect(float.decoded[c]).toEqual(data[c]);
            for (let i = 0; i < length; i++) {
              const clipped = Math.max(-1, Math.min(1, data[c]![i]!));
              expect(Math.abs(pcm.decoded[c]![i]! - clipped)).toBeLessThanOrEqual(0.5 / 32767 + 1e-9);
            }
          }
        },
      ),
    );
  });

  it('encodes a real AudioBuffer rendered by node-web-audio-api', async () => {
    const context = new OfflineAudioContext({ numberOfChannels: 2, length: 441, sampleRate: 44100 });
    const oscillator = context.createOscillator();
    oscillator.frequency.value = 1000;
    oscillator.connect(context.destination);
    oscillator.start();
    const rendered = await context.startRendering();
    const wav = parseWav(encodeWav(rendered, { bitDepth: 32 }));
    expect(wav).toMatchObject({ channels: 2, sampleRate: 44100, factFrames: 441 });
    expect(wav.decoded[1]).toEqual(rendered.getChannelData(1));
    expect(Math.max(...wav.decoded[0]!)).toBeGreaterThan(0.9);
  });

  it('reads only `length` frames of longer channel arrays', () => {
    const buffer = { ...bufferOf([left], 8000), length: 3 };
    expect(parseWav(encodeWav(buffer, { bitDepth: 32 })).decoded[0]).toEqual(left.subarray(0, 3));
  });

  const errors: [string, AudioBufferLike, 16 | 32, WavEncodeError['code'], string][] = [
    ['no channels', bufferOf([], 8000), 16, 'INVALID_BUFFER', 'numberOfChannels'],
    ['a fractional sample rate', bufferOf([left], 44100.5), 16, 'INVALID_BUFFER', 'sampleRate'],
    ['a zero sample rate', bufferOf([left], 0), 16, 'INVALID_BUFFER', 'sampleRate'],
    [
      'a short channel',
      { ...bufferOf([left, right.subarray(0, 4)], 8000), length: 8 },
      16,
      'INVALID_BUFFER',
      'getChannelData(1)',
    ],
    ['a negative length', { ...bufferOf([left], 8000), length: -1 }, 16, 'INVALID_BUFFER', 'length'],
    ['bit depth 24', bufferOf([left], 8000), 24 as 16, 'INVALID_OPTIONS', 'bitDepth'],
    [
      'over 4 GiB',
      { ...bufferOf([left], 8000), numberOfChannels: 2, length: 2 ** 30 },
      32,
      'TOO_LARGE',
      'length',
    ],
  ];
  it.each(errors)('refuses %s with a typed error', (_label, buffer, bitDepth, code, field) => {
    expect(() => encodeWav(buffer, { bitDepth })).toThrow(
      expect.objectContaining({ code, field }) as WavEncodeError,
    );
  });
});
