/**
 * ProTracker MOD writer: turns a Song into the bytes of a 31-sample module (M.K., M!K!,
 * FLT4/FLT8, xCHN, xxCH and the other tagged variants). The layout every MOD loader reads:
 *
 *   0    title (20 bytes)
 *   20   31 sample headers of 30 bytes: name (22), length in words (u16 BE), finetune
 *        nibble, volume, loop start in words, loop length in words
 *   950  song length, restart position, 128 orders
 *   1080 tag (4 bytes)
 *   1084 patterns: 64 rows x channels x 4 bytes (FLT8: two 4-channel halves per
 *        pattern, orders counted in halves)
 *        then the sample data, in sample order
 *
 * Every field is validated before a single byte is written, so a bad song fails whole
 * with a SongWriteError that names the field and the value.
 */

import { FIXED_TAGS } from './mod-tags.js';
import { isLoopLength } from './sample-loop.js';
import type { Cell, Song } from './song.js';

/** Why a song cannot be written as a MOD file. */
export type SongWriteErrorCode =
  | 'UNSUPPORTED_FORMAT'
  | 'CHANNEL_MISMATCH'
  | 'INVALID_TEXT'
  | 'SAMPLE_COUNT'
  | 'INVALID_SAMPLE'
  | 'ODD_LENGTH'
  | 'SAMPLE_TOO_LONG'
  | 'INVALID_LOOP'
  | 'INVALID_ORDERS'
  | 'INVALID_PATTERN'
  | 'INVALID_CELL';

/** A song that the MOD format cannot hold: `code` says what, `field` says where (e.g. `samples[3].data`). */
export class SongWriteError extends Error {
  override readonly name = 'SongWriteError';
  readonly code: SongWriteErrorCode;
  readonly field: string;

  constructor(code: SongWriteErrorCode, field: string, message: string) {
    super(`${field}: ${message}`);
    this.code = code;
    this.field = field;
  }
}

/** The longest sample the format can hold: 65535 words. */
export const MAX_SAMPLE_BYTES = 0xffff * 2;

const TITLE_BYTES = 20;
const SAMPLE_NAME_BYTES = 22;
const SAMPLE_SLOTS = 31;
const ORDER_SLOTS = 128;
const ROWS = 64;
const HEADER_BYTES = 1084;
/** Restart bytes that trackers write as a signature; loaders read them as "restart at 0". */
const RESTART_SIGNATURES: ReadonlySet<number> = new Set([0x78, 0x7f]);

/** The channel count a 31-sample tag implies, or undefined for tags this writer cannot produce. */
export function channelsForTag(tag: string): number | undefined {
  const fixed = FIXED_TAGS.get(tag);
  if (fixed !== undefined) return fixed;
  const single = /^([1-9])CHN$/.exec(tag);
  if (single) return Number(single[1]);
  const double = /^([0-9]{2})CH$/.exec(tag);
  if (double) {
    const n = Number(double[1]);
    return n >= 1 && n <= 32 ? n : undefined;
  }
  const takeTracker = /^TDZ([1-3])$/.exec(tag);
  if (takeTracker) return Number(takeTracker[1]);
  return undefined;
}

/** The conventional tag for a channel count: M.K. for 4, xCHN below 10, xxCH from 10 to 32. */
export function tagForChannels(channels: number): string {
  if (!Number.isInteger(channels) || channels < 1 || channels > 32) {
    throw new SongWriteError(
      'UNSUPPORTED_FORMAT',
      'channels',
      `${channels} channels; a MOD file holds 1 to 32`,
    );
  }
  if (channels === 4) return 'M.K.';
  return channels < 10 ? `${channels}CHN` : `${channels}CH`;
}

function isInt(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function checkText(text: string, maxBytes: number, field: string): void {
  if (text.length > maxBytes) {
    throw new SongWriteError(
      'INVALID_TEXT',
      field,
      `${JSON.stringify(text)} is ${text.length} characters; the field holds ${maxBytes}`,
    );
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // NUL would end the text early and control characters read back as spaces; above
    // 0xFF has no single-byte form.
    if (code < 0x20 || code === 0x7f || code > 0xff) {
      throw new SongWriteError(
        'INVALID_TEXT',
        field,
        `character ${i} of ${JSON.stringify(text)} is U+${code.toString(16).padStart(4, '0')}; only printable Latin-1 (U+0020..U+00FF, not U+007F) fits`,
      );
    }
  }
}

function checkCell(cell: Cell, field: string, sampleCount: number): void {
  if (!isInt(cell.period, 0, 0xfff)) {
    throw new SongWriteError(
      'INVALID_CELL',
      `${field}.period`,
      `period ${cell.period}; the format stores 0 (none) or an integer up to 4095`,
    );
  }
  if (!isInt(cell.sample, 0, sampleCount)) {
    throw new SongWriteError(
      'INVALID_CELL',
      `${field}.sample`,
      `sample number ${cell.sample}; expected 0 (none) or 1..${sampleCount}`,
    );
  }
  if (!isInt(cell.effect, 0, 0xf)) {
    throw new SongWriteError('INVALID_CELL', `${field}.effect`, `effect ${cell.effect}; expected 0..15`);
  }
  if (!isInt(cell.param, 0, 0xff)) {
    throw new SongWriteError('INVALID_CELL', `${field}.param`, `parameter ${cell.param}; expected 0..255`);
  }
}

/** Validates everything writeMod relies on; returns the tag to write. */
function validate(song: Song): string {
  if (song.format.kind !== 'protracker') {
    throw new SongWriteError(
      'UNSUPPORTED_FORMAT',
      'format',
      `${song.format.kind} songs are not written; convert to a 31-sample protracker format`,
    );
  }
  const tag = song.format.tag;
  const tagChannels = channelsForTag(tag);
  if (tagChannels === undefined) {
    throw new SongWriteError(
      'UNSUPPORTED_FORMAT',
      'format.tag',
      `tag ${JSON.stringify(tag)}; writable tags are M.K., M!K!, M&K!, N.T., FLT4, FLT8, EXO4, EXO8, CD61, CD81, OKTA, OCTA, LARD, NSMS, 1CHN..9CHN, 01CH..32CH and TDZ1..TDZ3`,
    );
  }
  if (song.channels !== tagChannels) {
    throw new SongWriteError(
      'CHANNEL_MISMATCH',
      'channels',
      `${song.channels} channels, but tag ${JSON.stringify(tag)} means ${tagChannels}`,
    );
  }
  checkText(song.title, TITLE_BYTES, 'title');

  if (song.samples.length !== SAMPLE_SLOTS) {
    throw new SongWriteError(
      'SAMPLE_COUNT',
      'samples',
      `${song.samples.length} samples; a 31-sample MOD needs exactly ${SAMPLE_SLOTS}`,
    );
  }
  song.samples.forEach((sample, i) => {
    const field = `samples[${i}]`;
    checkText(sample.name, SAMPLE_NAME_BYTES, `${field}.name`);
    if (!isInt(sample.finetune, -8, 7)) {
      throw new SongWriteError(
        'INVALID_SAMPLE',
        `${field}.finetune`,
        `finetune ${sample.finetune}; expected -8..7`,
      );
    }
    if (!isInt(sample.volume, 0, 64)) {
      throw new SongWriteError(
        'INVALID_SAMPLE',
        `${field}.volume`,
        `volume ${sample.volume}; expected 0..64`,
      );
    }
    const length = sample.data.length;
    if (length > MAX_SAMPLE_BYTES) {
      throw new SongWriteError(
        'SAMPLE_TOO_LONG',
        `${field}.data`,
        `${length} frames; a MOD sample holds at most ${MAX_SAMPLE_BYTES} (65535 words)`,
      );
    }
    if (length % 2 !== 0) {
      throw new SongWriteError(
        'ODD_LENGTH',
        `${field}.data`,
        `${length} frames; MOD lengths are whole words (an even number of frames)`,
      );
    }
    for (const key of ['loopStart', 'loopLength'] as const) {
      const value = sample[key];
      if (!isInt(value, 0, MAX_SAMPLE_BYTES)) {
        throw new SongWriteError(
          'INVALID_LOOP',
          `${field}.${key}`,
          `${key} ${value}; expected an integer 0..${MAX_SAMPLE_BYTES}`,
        );
      }
      if (value % 2 !== 0) {
        throw new SongWriteError(
          'ODD_LENGTH',
          `${field}.${key}`,
          `${key} ${value} is odd; MOD loops are in words`,
        );
      }
    }
    // A loop of one word or none is ProTracker's "no loop": its start is kept but unused.
    if (isLoopLength(sample.loopLength) && sample.loopStart + sample.loopLength > length) {
      throw new SongWriteError(
        'INVALID_LOOP',
        `${field}.loopLength`,
        `loop ${sample.loopStart}+${sample.loopLength} ends past the sample's ${length} frames`,
      );
    }
  });

  if (song.orders.length < 1 || song.orders.length > ORDER_SLOTS) {
    throw new SongWriteError(
      'INVALID_ORDERS',
      'orders',
      `song length ${song.orders.length}; expected 1..${ORDER_SLOTS} orders`,
    );
  }
  // FLT8 order bytes count 4-channel halves, so only 64 whole patterns are reachable.
  const maxPatterns = tag === 'FLT8' ? ORDER_SLOTS / 2 : ORDER_SLOTS;
  if (song.patterns.length < 1 || song.patterns.length > maxPatterns) {
    throw new SongWriteError(
      'INVALID_PATTERN',
      'patterns',
      `${song.patterns.length} patterns; ${tag} holds 1..${maxPatterns}`,
    );
  }
  song.orders.forEach((order, i) => {
    if (!isInt(order, 0, song.patterns.length - 1)) {
      throw new SongWriteError(
        'INVALID_ORDERS',
        `orders[${i}]`,
        `pattern ${order}; the song has patterns 0..${song.patterns.length - 1}`,
      );
    }
  });
  const highestOrder = Math.max(...song.orders);
  // Loaders count the patterns from the highest entry in the 128-byte order table; the
  // unused tail can name the last pattern, but only when the song leaves a slot free.
  if (highestOrder < song.patterns.length - 1 && song.orders.length === ORDER_SLOTS) {
    throw new SongWriteError(
      'INVALID_ORDERS',
      'patterns',
      `pattern ${song.patterns.length - 1} is never played and all ${ORDER_SLOTS} orders are used, so no order can keep it in the file`,
    );
  }
  if (!isInt(song.restartPosition, 0, song.orders.length - 1)) {
    throw new SongWriteError(
      'INVALID_ORDERS',
      'restartPosition',
      `restart position ${song.restartPosition}; expected 0..${song.orders.length - 1}`,
    );
  }
  if (RESTART_SIGNATURES.has(song.restartPosition)) {
    throw new SongWriteError(
      'INVALID_ORDERS',
      'restartPosition',
      `restart position ${song.restartPosition} reads back as a tracker signature (0x78 NoiseTracker, 0x7F ProTracker), not a position`,
    );
  }

  song.patterns.forEach((pattern, p) => {
    if (pattern.rows.length !== ROWS) {
      throw new SongWriteError(
        'INVALID_PATTERN',
        `patterns[${p}].rows`,
        `${pattern.rows.length} rows; a MOD pattern has ${ROWS}`,
      );
    }
    pattern.rows.forEach((row, r) => {
      if (row.length !== song.channels) {
        throw new SongWriteError(
          'INVALID_PATTERN',
          `patterns[${p}].rows[${r}]`,
          `${row.length} cells; the song has ${song.channels} channels`,
        );
      }
      row.forEach((cell, c) => {
        checkCell(cell, `patterns[${p}].rows[${r}][${c}]`, SAMPLE_SLOTS);
      });
    });
  });
  return tag;
}

function writeText(out: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i);
}

/** Writes `song` as a MOD file. Throws SongWriteError (and writes nothing) when the song does not fit the format. */
export function writeMod(song: Song): Uint8Array {
  const tag = validate(song);
  const patternBytes = ROWS * song.channels * 4;
  let sampleBytes = 0;
  for (const sample of song.samples) sampleBytes += sample.data.length;
  const out = new Uint8Array(HEADER_BYTES + song.patterns.length * patternBytes + sampleBytes);
  const view = new DataView(out.buffer);

  writeText(out, 0, song.title);
  song.samples.forEach((sample, i) => {
    const at = 20 + i * 30;
    writeText(out, at, sample.name);
    view.setUint16(at + 22, sample.data.length / 2);
    out[at + 24] = sample.finetune & 0x0f;
    out[at + 25] = sample.volume;
    view.setUint16(at + 26, sample.loopStart / 2);
    view.setUint16(at + 28, sample.loopLength / 2);
  });

  // Startrekker's FLT8 numbers its orders in 4-channel halves: pattern p is halves 2p, 2p+1.
  const orderScale = tag === 'FLT8' ? 2 : 1;
  out[950] = song.orders.length;
  out[951] = song.restartPosition;
  song.orders.forEach((order, i) => {
    out[952 + i] = order * orderScale;
  });
  const lastPattern = song.patterns.length - 1;
  if (Math.max(...song.orders) < lastPattern) out[952 + song.orders.length] = lastPattern * orderScale;
  writeText(out, 1080, tag);

  let at = HEADER_BYTES;
  const writeCell = (cell: Cell) => {
    out[at] = (cell.sample & 0xf0) | (cell.period >> 8);
    out[at + 1] = cell.period & 0xff;
    out[at + 2] = ((cell.sample & 0x0f) << 4) | cell.effect;
    out[at + 3] = cell.param;
    at += 4;
  };
  for (const pattern of song.patterns) {
    if (tag === 'FLT8') {
      for (const half of [0, 4]) {
        for (const row of pattern.rows) for (let c = half; c < half + 4; c++) writeCell(row[c]!);
      }
    } else {
      for (const row of pattern.rows) for (const cell of row) writeCell(cell);
    }
  }
  for (const sample of song.samples) {
    out.set(new Uint8Array(sample.data.buffer, sample.data.byteOffset, sample.data.length), at);
    at += sample.data.length;
  }
  return out;
}
