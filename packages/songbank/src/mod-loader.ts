/**
 * Reads MOD bytes (ProTracker, Startrekker, xCHN/xxCH, Soundtracker) into a Song, with
 * a typed error naming the byte offset of anything it cannot read; the one place that
 * knows the file layout on the way in (mod-writer.ts is the way out).
 */
import { SongLoadError } from './errors.js';
import { FIXED_TAGS } from './mod-tags.js';
import { isLoopLength } from './sample-loop.js';
import type { Cell, Pattern, Sample, Song, SongFormat } from './song.js';

const ROWS = 64;
const CELL_BYTES = 4;
const SAMPLE_HEADER_BYTES = 30;
/** Byte offsets of the 31-sample layout (ProTracker and its relatives). */
const PT = { samples: 31, songLength: 950, restart: 951, orders: 952, tag: 1080, patterns: 1084 } as const;
/** Byte offsets of the 15-sample layout (Ultimate Soundtracker and its early clones). */
const ST = { samples: 15, songLength: 470, restart: 471, orders: 472, patterns: 600 } as const;
const ORDER_SLOTS = 128;
/** The largest pattern number an order may hold; bigger bytes end the list (garbage after it in many files). */
const MAX_PATTERN = 127;
const MAX_CHANNELS = 32;

/**
 * Parses a MOD file: ProTracker (M.K., M!K!), Startrekker (FLT4, FLT8), FastTracker and
 * TakeTracker multichannel tags (xCHN, xxCH, TDZx), other 4-channel tags, and 15-sample
 * Soundtracker modules (no tag). Throws `SongLoadError` for files it cannot read;
 * repairs what players repair (clipped sample data, out-of-range loops, loud volumes).
 */
export function loadMod(bytes: Uint8Array): Song {
  if (!(bytes instanceof Uint8Array)) {
    throw new SongLoadError('INVALID_INPUT', 0, `loadMod expects a Uint8Array, got ${describe(bytes)}`);
  }
  const tag = bytes.length >= PT.tag + 4 ? latin1(bytes, PT.tag, 4) : '';
  const channels = tag === '' ? null : channelsForTag(tag);
  if (channels !== null) return loadTagged(bytes, tag, channels);
  const problem = soundtrackerProblem(bytes);
  if (problem === null) return loadSoundtracker(bytes);
  // A channel-count tag with an impossible count is a MOD file with a bad value, not an
  // unknown format (a valid Soundtracker file with those bytes there was accepted above).
  const declared = /^(\d)CHN$|^(\d\d)CH$/.exec(tag);
  if (declared !== null) {
    const count = Number(declared[1] ?? declared[2]);
    throw new SongLoadError(
      'BAD_VALUE',
      PT.tag,
      `format tag "${tag}" declares ${count} channels; a MOD file has 1..${MAX_CHANNELS}`,
    );
  }
  if (problem.code === 'TRUNCATED') {
    throw new SongLoadError(
      'TRUNCATED',
      problem.offset,
      `truncated 15-sample Soundtracker module (no format tag at byte ${PT.tag}): ${problem.text}`,
    );
  }
  const tagText = tag === '' ? `the file is ${bytes.length} bytes, too short for one` : `"${printable(tag)}"`;
  throw new SongLoadError(
    problem.code,
    problem.offset,
    `not a MOD file: no known format tag at byte ${PT.tag} (${tagText}), and not a 15-sample Soundtracker module: ${problem.text}`,
  );
}

function channelsForTag(tag: string): number | null {
  const fixed = FIXED_TAGS.get(tag);
  if (fixed !== undefined) return fixed;
  const d0 = digit(tag.charCodeAt(0));
  const d1 = digit(tag.charCodeAt(1));
  if (d0 !== null && tag.slice(1) === 'CHN') return d0 >= 1 ? d0 : null;
  if (d0 !== null && d1 !== null && tag.slice(2) === 'CH') {
    const n = d0 * 10 + d1;
    return n >= 1 && n <= MAX_CHANNELS ? n : null;
  }
  if (tag.startsWith('FA0')) {
    const n = digit(tag.charCodeAt(3));
    return n === 4 || n === 6 || n === 8 ? n : null;
  }
  if (tag.startsWith('TDZ') && d1 === null) {
    const n = digit(tag.charCodeAt(3));
    return n !== null && n >= 1 && n <= 3 ? n : null;
  }
  return null;
}

function loadTagged(bytes: Uint8Array, tag: string, tagChannels: number): Song {
  const flt8 = tag === 'FLT8';
  // Digital Tracker (FA0x) stores four more bytes after its tag.
  const patternsAt = tag.startsWith('FA0') ? PT.patterns + 4 : PT.patterns;
  const samples = readSampleHeaders(bytes, PT.samples, false);
  const { orders, stored } = readOrders(bytes, PT.songLength, PT.orders, flt8);
  const channels = tag === 'M.K.' && isWow(bytes, patternsAt, stored.all + 1, samples) ? 8 : tagChannels;
  // Startrekker FLT8 stores each 8-channel pattern as two 4-channel halves and numbers
  // its orders in 4-channel units, so the order values are halved.
  const count = (highest: number) => (flt8 ? (highest >> 1) + 1 : highest + 1);
  const patternBytes = ROWS * channels * CELL_BYTES;
  const patternCount = choosePatternCount(
    bytes,
    patternsAt,
    patternBytes,
    count(stored.all),
    count(stored.inSong),
    samples,
  );
  const end = patternsAt + patternCount * patternBytes;
  if (end > bytes.length) {
    throw new SongLoadError(
      'TRUNCATED',
      bytes.length,
      `truncated MOD (${tag}): ${patternCount} patterns of ${channels} channels need bytes ${patternsAt}..${end}, the file ends at ${bytes.length}`,
    );
  }
  const patterns: Pattern[] = [];
  for (let p = 0; p < patternCount; p++) {
    const base = patternsAt + p * patternBytes;
    patterns.push(flt8 ? readFlt8Pattern(bytes, base) : readPattern(bytes, base, channels));
  }
  const format: SongFormat = { kind: 'protracker', tag };
  return {
    title: readName(bytes, 0, 20),
    format,
    channels,
    samples: readSampleData(bytes, samples, end),
    orders,
    restartPosition: restartPosition(bytes[PT.restart] ?? 0, orders.length),
    patterns,
  };
}

function loadSoundtracker(bytes: Uint8Array): Song {
  const headers = readSampleHeaders(bytes, ST.samples, true);
  const { orders, stored } = readOrders(bytes, ST.songLength, ST.orders, false);
  const patternBytes = ROWS * 4 * CELL_BYTES;
  const patternCount = choosePatternCount(
    bytes,
    ST.patterns,
    patternBytes,
    stored.all + 1,
    stored.inSong + 1,
    headers,
  );
  const end = ST.patterns + patternCount * patternBytes;
  if (end > bytes.length) {
    throw new SongLoadError(
      'TRUNCATED',
      bytes.length,
      `truncated Soundtracker module: ${patternCount} patterns need bytes ${ST.patterns}..${end}, the file ends at ${bytes.length}`,
    );
  }
  let patterns: Pattern[] = [];
  for (let p = 0; p < patternCount; p++) patterns.push(readPattern(bytes, ST.patterns + p * patternBytes, 4));
  // Soundtracker never plays the bytes before a sample's repeat start (the attack),
  // nor those after its loop: keep only what sounds, as a loop from 0.
  const samples = readSampleData(bytes, headers, end).map((s, i): Sample => {
    const skip = Math.min(headers[i]?.loopStart ?? 0, s.data.length);
    const looped = isLoopLength(s.loopLength);
    if (skip === 0 && !looped) return s;
    const data = s.data.slice(skip, looped ? skip + s.loopLength : s.data.length);
    return { ...s, data, loopStart: 0, loopLength: looped ? data.length : s.loopLength };
  });
  const restartByte = bytes[ST.restart] ?? 0;
  const ultimate = isUltimateSoundtracker(bytes, patterns, restartByte);
  if (ultimate) patterns = patterns.map(ultimateEffects);
  return {
    title: readName(bytes, 0, 20),
    format: { kind: 'soundtracker' },
    channels: 4,
    samples,
    orders,
    restartPosition: 0,
    patterns,
    ...(ultimate && restartByte !== 125 ? { tempo: restartByte } : {}),
  };
}

/**
 * Ultimate Soundtracker (the first one) stores its tempo where later trackers put the
 * restart position (usually 0x78 = 120 BPM), has no finetune, short samples, and only
 * two effects: 1xy arpeggio and 2xy pitch bend.
 */
function isUltimateSoundtracker(
  bytes: Uint8Array,
  patterns: readonly Pattern[],
  restartByte: number,
): boolean {
  if (restartByte < 0x40) return false;
  for (let i = 0; i < ST.samples; i++) {
    const at = 20 + i * SAMPLE_HEADER_BYTES;
    if ((bytes[at + 24] ?? 0) !== 0) return false;
    if (u16(bytes, at + 22) > 0x1387 || u16(bytes, at + 26) > 9999 || u16(bytes, at + 28) > 0x1387)
      return false;
  }
  for (const p of patterns) {
    for (const row of p.rows) {
      for (const c of row) {
        if (c.effect === 0 && c.param !== 0) return false;
        if (c.effect === 0 || ((c.effect === 1 || c.effect === 2) && c.param === 0)) continue;
        if (c.effect !== 1 && c.effect !== 2) return false;
        if (c.effect === 2 && c.param >> 4 !== 0 && (c.param & 0xf) !== 0) return false;
      }
    }
  }
  return true;
}

/** Ultimate Soundtracker's 1xy arpeggio and 2xy bend (x down, y up) in ProTracker terms. */
function ultimateEffects(p: Pattern): Pattern {
  return {
    rows: p.rows.map((row) =>
      row.map((c): Cell => {
        if (c.effect === 1) return { ...c, effect: 0 };
        if (c.effect === 2 && c.param >> 4 === 0) return { ...c, effect: 1 };
        if (c.effect === 2) return { ...c, param: c.param >> 4 };
        return c;
      }),
    ),
  };
}

/**
 * Patterns are counted over all 128 order slots, but some trackers stored only the
 * patterns the song plays: when the file is exactly that long, that count is right.
 */
function choosePatternCount(
  bytes: Uint8Array,
  patternsAt: number,
  patternBytes: number,
  all: number,
  inSong: number,
  samples: readonly SampleHeader[],
): number {
  const sampleBytes = samples.reduce((n, h) => n + h.length, 0);
  const size = (count: number) => patternsAt + count * patternBytes + sampleBytes;
  return bytes.length < size(all) && bytes.length === size(inSong) ? inSong : all;
}

/**
 * Mod's Grave (WOW) writes 8-channel modules with the M.K. tag. They are told apart the
 * way other players do it: converted from 669 files, every sample has finetune 0 and
 * volume 64 and the restart byte is 0, and the file is exactly as long as 8-channel
 * patterns plus the samples make it (and not as long as 4-channel ones would).
 */
function isWow(
  bytes: Uint8Array,
  patternsAt: number,
  patterns: number,
  samples: readonly SampleHeader[],
): boolean {
  if ((bytes[PT.restart] ?? 0) !== 0) return false;
  if (samples.some((h) => h.length > 0 && (h.finetune !== 0 || h.volume !== 64))) return false;
  const sampleBytes = samples.reduce((n, h) => n + h.length, 0);
  const size = (channels: number) => patternsAt + patterns * ROWS * channels * CELL_BYTES + sampleBytes;
  // A stray odd byte at the end is tolerated, as WOW files sometimes carry one.
  return (bytes.length & ~1) === size(8) && bytes.length !== size(4);
}

interface SampleHeader {
  readonly name: string;
  /** Length in bytes as declared (words * 2). */
  readonly length: number;
  readonly finetune: number;
  readonly volume: number;
  /** Loop start and length in bytes as declared. */
  readonly loopStart: number;
  readonly loopLength: number;
}

function readSampleHeaders(bytes: Uint8Array, count: number, soundtracker: boolean): SampleHeader[] {
  const headers: SampleHeader[] = [];
  for (let i = 0; i < count; i++) {
    const at = 20 + i * SAMPLE_HEADER_BYTES;
    const fine = (bytes[at + 24] ?? 0) & 0x0f;
    const loopStartRaw = u16(bytes, at + 26);
    headers.push({
      name: readName(bytes, at, 22),
      length: u16(bytes, at + 22) * 2,
      // Soundtracker has no finetune; the byte is often junk there.
      finetune: soundtracker ? 0 : fine >= 8 ? fine - 16 : fine,
      volume: Math.min(64, bytes[at + 25] ?? 0),
      // Soundtracker stores the loop start in bytes, later trackers in words.
      loopStart: soundtracker ? loopStartRaw : loopStartRaw * 2,
      loopLength: u16(bytes, at + 28) * 2,
    });
  }
  return headers;
}

/** Reads sample data in file order after the patterns, clipping what the file does not hold. */
function readSampleData(bytes: Uint8Array, headers: readonly SampleHeader[], start: number): Sample[] {
  let at = start;
  return headers.map((h) => {
    const available = Math.max(0, Math.min(h.length, bytes.length - at));
    const data = new Int8Array(available);
    for (let k = 0; k < available; k++) data[k] = ((bytes[at + k] ?? 0) << 24) >> 24;
    at += h.length;
    const loop = normaliseLoop(h.loopStart, h.loopLength, available);
    return { name: h.name, finetune: h.finetune, volume: h.volume, ...loop, data };
  });
}

/**
 * Keeps a loop inside the sample: a loop that starts past the end is dropped, one that
 * runs past the end is shortened (as ProTracker's loader does), and a loop of 2 bytes
 * or less means "no loop".
 */
function normaliseLoop(
  start: number,
  length: number,
  size: number,
): { loopStart: number; loopLength: number } {
  if (length <= 2 || start >= size) return { loopStart: 0, loopLength: Math.min(length, 2) };
  const clipped = Math.min(length, size - start);
  if (clipped <= 2) return { loopStart: 0, loopLength: 2 };
  return { loopStart: start, loopLength: clipped };
}

function readOrders(
  bytes: Uint8Array,
  lengthAt: number,
  ordersAt: number,
  halve: boolean,
): { orders: number[]; stored: { all: number; inSong: number } } {
  const songLength = bytes[lengthAt] ?? 0;
  if (songLength === 0) {
    throw new SongLoadError(
      'NO_ORDERS',
      lengthAt,
      `the song length byte at ${lengthAt} is 0: no orders to play`,
    );
  }
  // Pattern storage is counted over all 128 slots (ProTracker stores patterns that only
  // unused slots name), stopping at the first byte that is no pattern number.
  let all = -1;
  let inSong = -1;
  for (let i = 0; i < ORDER_SLOTS; i++) {
    const v = bytes[ordersAt + i] ?? 0;
    if (v > MAX_PATTERN) break;
    all = Math.max(all, v);
    if (i < songLength) inSong = Math.max(inSong, v);
  }
  const orders: number[] = [];
  const playable = Math.min(songLength, ORDER_SLOTS);
  for (let i = 0; i < playable; i++) {
    const v = bytes[ordersAt + i] ?? 0;
    if (v > MAX_PATTERN) break;
    orders.push(halve ? v >> 1 : v);
  }
  if (orders.length === 0) {
    const first = bytes[ordersAt] ?? 0;
    throw new SongLoadError(
      'NO_ORDERS',
      ordersAt,
      `no valid orders: the first order at byte ${ordersAt} is ${first}, pattern numbers go up to ${MAX_PATTERN}`,
    );
  }
  return { orders, stored: { all, inSong } };
}

function restartPosition(raw: number, length: number): number {
  // 0x78 and 0x7F are tracker signatures in this byte, not positions.
  return raw < 0x7f && raw !== 0x78 && raw < length ? raw : 0;
}

function decodeCell(bytes: Uint8Array, at: number): Cell {
  const b0 = bytes[at] ?? 0;
  const b1 = bytes[at + 1] ?? 0;
  const b2 = bytes[at + 2] ?? 0;
  const b3 = bytes[at + 3] ?? 0;
  return { period: ((b0 & 0x0f) << 8) | b1, sample: (b0 & 0xf0) | (b2 >> 4), effect: b2 & 0x0f, param: b3 };
}

function readPattern(bytes: Uint8Array, base: number, channels: number): Pattern {
  const rows: Cell[][] = [];
  for (let r = 0; r < ROWS; r++) {
    const row: Cell[] = [];
    for (let c = 0; c < channels; c++) row.push(decodeCell(bytes, base + (r * channels + c) * CELL_BYTES));
    rows.push(row);
  }
  return { rows };
}

function readFlt8Pattern(bytes: Uint8Array, base: number): Pattern {
  const half = ROWS * 4 * CELL_BYTES;
  const rows: Cell[][] = [];
  for (let r = 0; r < ROWS; r++) {
    const row: Cell[] = [];
    for (let c = 0; c < 8; c++) {
      const at = base + (c < 4 ? 0 : half) + (r * 4 + (c & 3)) * CELL_BYTES;
      row.push(decodeCell(bytes, at));
    }
    rows.push(row);
  }
  return { rows };
}

interface Problem {
  readonly code: 'BAD_FORMAT' | 'TRUNCATED';
  readonly offset: number;
  readonly text: string;
}

/** Periods a Soundtracker pattern may hold, with off-by-one values found in real files. */
const ST_PERIODS: ReadonlySet<number> = new Set([
  856, 808, 762, 720, 678, 640, 604, 570, 538, 508, 480, 453, 428, 404, 381, 360, 339, 320, 302, 285, 269,
  254, 240, 226, 214, 202, 190, 180, 170, 160, 151, 143, 135, 127, 120, 113, 763, 679, 641, 571, 539, 509,
  429, 340, 321, 300, 286, 270, 227, 191, 162,
]);
/** Stray cells tolerated in the patterns of a real Soundtracker rip. */
const ST_MAX_PATTERN_ERRORS = 22;
/** A Soundtracker file may lose up to 7% of its length to truncation and still be one. */
const ST_TRUNCATION_LIMIT = 0.93;

/**
 * Soundtracker files carry no tag, so they are recognised by a header that only makes
 * sense as one: plain-text names, volumes up to 64, no finetune, sane sizes and loops,
 * a song length of 1..128, order bytes that are all pattern numbers, and patterns of
 * Soundtracker notes (sample numbers up to 15, periods from its table).
 */
function soundtrackerProblem(bytes: Uint8Array): Problem | null {
  if (bytes.length < ST.patterns) {
    return { code: 'BAD_FORMAT', offset: bytes.length, text: `a header needs ${ST.patterns} bytes` };
  }
  const bad = (offset: number, text: string): Problem => ({ code: 'BAD_FORMAT', offset, text });
  // Names are ASCII; backspace (8) and shift-out (14) occur in real files, a carriage
  // return ends some names early, and anything after the terminator is not checked.
  const nameProblem = (at: number, size: number, what: string, crEnds: boolean): Problem | null => {
    for (let k = 0; k < size; k++) {
      const b = bytes[at + k] ?? 0;
      if (b === 0 || (crEnds && b === 13)) return null;
      if (b > 0x7f || (b < 32 && b !== 8 && b !== 14)) return bad(at + k, `${what} has the byte 0x${hex(b)}`);
    }
    return null;
  };
  const title = nameProblem(0, 20, 'the title', false);
  if (title) return title;
  let sampleBytes = 0;
  const sampleSizes: number[] = [];
  for (let i = 0; i < ST.samples; i++) {
    const at = 20 + i * SAMPLE_HEADER_BYTES;
    // The first byte of a name is junk in some rips, so it is not checked.
    const name = nameProblem(at + 1, 21, `sample ${i + 1}'s name`, true);
    if (name) return name;
    const words = u16(bytes, at + 22);
    const fine = bytes[at + 24] ?? 0;
    const volume = bytes[at + 25] ?? 0;
    const loopStart = u16(bytes, at + 26);
    const loopWords = u16(bytes, at + 28);
    if (words > 0x8000) return bad(at + 22, `sample ${i + 1} is ${words} words long (at most 32768)`);
    if (fine & 0xf0) return bad(at + 24, `sample ${i + 1} has finetune byte 0x${hex(fine)}`);
    if (volume > 64) return bad(at + 25, `sample ${i + 1} has volume ${volume} (at most 64)`);
    if (loopWords > 0x8000) return bad(at + 28, `sample ${i + 1} has a loop of ${loopWords} words`);
    if (loopStart >> 1 > words || (words > 0 && loopStart >> 1 === words)) {
      return bad(at + 26, `sample ${i + 1} loops from byte ${loopStart} of ${words * 2}`);
    }
    sampleBytes += words * 2;
    sampleSizes.push(words * 2);
  }
  if (sampleBytes < 8) return bad(20 + 22, `the samples hold ${sampleBytes} bytes in all`);
  const songLength = bytes[ST.songLength] ?? 0;
  if (songLength === 0 || songLength > ORDER_SLOTS) {
    return bad(ST.songLength, `the song length is ${songLength} (1..128)`);
  }
  let all = 0;
  let inSong = 0;
  for (let i = 0; i < ORDER_SLOTS; i++) {
    const v = bytes[ST.orders + i] ?? 0;
    if (v > MAX_PATTERN)
      return bad(ST.orders + i, `order ${i} is ${v} (pattern numbers go up to ${MAX_PATTERN})`);
    all = Math.max(all, v);
    if (i < songLength) inSong = Math.max(inSong, v);
  }
  const patternBytes = ROWS * 4 * CELL_BYTES;
  const expected = (samples: number, patterns: number) => ST.patterns + patterns * patternBytes + samples;
  let patterns = all + 1;
  if (bytes.length < expected(sampleBytes, patterns) && bytes.length === expected(sampleBytes, inSong + 1)) {
    patterns = inSong + 1;
  }
  const patternEnd = ST.patterns + patterns * patternBytes;
  if (patternEnd > bytes.length) {
    return {
      code: 'TRUNCATED',
      offset: bytes.length,
      text: `its ${patterns} patterns need bytes ${ST.patterns}..${patternEnd}, the file ends at ${bytes.length}`,
    };
  }
  let strays = 0;
  let highestSample = 0;
  for (let k = 0; k < patterns * ROWS * 4; k++) {
    const at = ST.patterns + k * CELL_BYTES;
    const cell = decodeCell(bytes, at);
    highestSample = Math.max(highestSample, cell.sample);
    if (cell.sample > 15 || (cell.period !== 0 && !ST_PERIODS.has(cell.period))) {
      if (++strays > ST_MAX_PATTERN_ERRORS) {
        return bad(at, `more than ${ST_MAX_PATTERN_ERRORS} pattern cells are not Soundtracker notes`);
      }
    }
  }
  // Rips cut short lose sample data; only the samples the patterns use have to be mostly there.
  if (bytes.length < expected(sampleBytes, patterns)) {
    const used = sampleSizes.slice(0, highestSample).reduce((n, v) => n + v, 0);
    const limit = Math.floor(expected(used, patterns) * ST_TRUNCATION_LIMIT);
    if (bytes.length < limit) {
      return {
        code: 'TRUNCATED',
        offset: bytes.length,
        text: `the samples its patterns play need ${expected(used, patterns)} bytes, the file ends at ${bytes.length}`,
      };
    }
  }
  return null;
}

function readName(bytes: Uint8Array, at: number, size: number): string {
  let text = '';
  for (let k = 0; k < size; k++) {
    const b = bytes[at + k] ?? 0;
    if (b === 0) break;
    text += b >= 32 && b !== 127 ? String.fromCharCode(b) : ' ';
  }
  return text.trimEnd();
}

function latin1(bytes: Uint8Array, at: number, size: number): string {
  let text = '';
  for (let k = 0; k < size; k++) text += String.fromCharCode(bytes[at + k] ?? 0);
  return text;
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (ch) => `\\x${hex(ch.charCodeAt(0))}`);
}

function u16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

function digit(code: number): number | null {
  return code >= 48 && code <= 57 ? code - 48 : null;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}
