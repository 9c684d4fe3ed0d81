/**
 * RIFF WAVE encoder for rendered audio: 16-bit PCM (rounded, clipped, no dither) or
 * 32-bit IEEE float, channels interleaved, little-endian.
 */

/** The part of an AudioBuffer the encoder reads, so any AudioBuffer (or a plain object) will do. */
export interface AudioBufferLike {
  readonly numberOfChannels: number;
  readonly sampleRate: number;
  readonly length: number;
  getChannelData(channel: number): Float32Array;
}

/** Encoding options: 16 = 16-bit signed PCM (the default), 32 = 32-bit IEEE float. */
export interface WavOptions {
  readonly bitDepth?: 16 | 32;
}

/** Why a buffer cannot be encoded: `code` says what, `field` which property. */
export class WavEncodeError extends Error {
  override readonly name = 'WavEncodeError';
  readonly code: 'INVALID_BUFFER' | 'INVALID_OPTIONS' | 'TOO_LARGE';
  readonly field: string;

  constructor(code: WavEncodeError['code'], field: string, message: string) {
    super(`${field}: ${message}`);
    this.code = code;
    this.field = field;
  }
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;

/** Maps one float sample to 16-bit PCM: clipped to [-1, 1], full scale both ways, NaN as silence. */
export function floatToInt16(value: number): number {
  if (Number.isNaN(value)) return 0;
  const clipped = Math.min(1, Math.max(-1, value));
  // Negative and positive halves have different full scales (-32768 vs 32767).
  return Math.round(clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff);
}

function writeAscii(view: DataView, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
}

/** Encodes `buffer` as a WAV file. Throws WavEncodeError for a malformed buffer or options. */
export function encodeWav(buffer: AudioBufferLike, options: WavOptions = {}): Uint8Array {
  const bitDepth = options.bitDepth ?? 16;
  if (bitDepth !== 16 && bitDepth !== 32) {
    throw new WavEncodeError(
      'INVALID_OPTIONS',
      'bitDepth',
      `bit depth ${String(bitDepth)}; expected 16 or 32`,
    );
  }
  const { numberOfChannels: channels, sampleRate, length } = buffer;
  if (!Number.isInteger(channels) || channels < 1 || channels > 0xffff) {
    throw new WavEncodeError('INVALID_BUFFER', 'numberOfChannels', `${channels} channels; expected 1..65535`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw new WavEncodeError(
      'INVALID_BUFFER',
      'sampleRate',
      `sample rate ${sampleRate}; expected a positive integer`,
    );
  }
  if (!Number.isInteger(length) || length < 0) {
    throw new WavEncodeError(
      'INVALID_BUFFER',
      'length',
      `length ${length}; expected a whole number of frames`,
    );
  }
  const bytesPerSample = bitDepth / 8;
  const blockAlign = channels * bytesPerSample;
  const float = bitDepth === 32;
  const fmtBytes = float ? 18 : 16;
  // Non-PCM formats carry a fact chunk with the frame count (RIFF WAVE rules).
  const factBytes = float ? 12 : 0;
  const dataBytes = length * blockAlign;
  const headerBytes = 12 + 8 + fmtBytes + factBytes + 8;
  const padding = dataBytes % 2; // chunks are word-aligned
  const total = headerBytes + dataBytes + padding;
  if (total - 8 > 0xffffffff) {
    throw new WavEncodeError(
      'TOO_LARGE',
      'length',
      `${length} frames x ${blockAlign} bytes exceeds the 4 GiB limit of a RIFF file`,
    );
  }
  const data: Float32Array[] = [];
  for (let c = 0; c < channels; c++) {
    const channel = buffer.getChannelData(c);
    if (channel.length < length) {
      throw new WavEncodeError(
        'INVALID_BUFFER',
        `getChannelData(${c})`,
        `${channel.length} frames; the buffer says ${length}`,
      );
    }
    data.push(channel);
  }

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, total - 8, true);
  writeAscii(view, 8, 'WAVE');
  writeAscii(view, 12, 'fmt ');
  view.setUint32(16, fmtBytes, true);
  view.setUint16(20, float ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitDepth, true);
  let at = 20 + fmtBytes;
  if (float) {
    view.setUint16(36, 0, true); // cbSize: no extension
    writeAscii(view, at, 'fact');
    view.setUint32(at + 4, 4, true);
    view.setUint32(at + 8, length, true);
    at += 12;
  }
  writeAscii(view, at, 'data');
  view.setUint32(at + 4, dataBytes, true);
  at += 8;

  if (float) {
    for (let i = 0; i < length; i++) {
      for (let c = 0; c < channels; c++) {
        view.setFloat32(at, data[c]![i]!, true);
        at += 4;
      }
    }
  } else {
    for (let i = 0; i < length; i++) {
      for (let c = 0; c < channels; c++) {
        view.setInt16(at, floatToInt16(data[c]![i]!), true);
        at += 2;
      }
    }
  }
  return out;
}
