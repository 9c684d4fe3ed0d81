import { SongLoadError } from './errors.js';
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

/** Tags with a fixed channel count; xCHN, xxCH and TDZx are decoded separately. */
const FIXED_TAGS: ReadonlyMap<string, number> = new Map([
  ['M.K.', 4],
  ['M!K!', 4],
  ['M&K!', 4],
  ['N.T.', 4],
  ['FLT4', 4],
  ['FLT8', 8],
  ['EXO4', 4],
  ['EXO8', 8],
  ['CD61', 6],
  ['CD81', 8],
  ['OKTA', 8],
  ['OCTA', 8],
  ['LARD', 4],
  ['NSMS', 4],
]);

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
  if (tag.startsWith('TDZ') && d1 === null) {
    const n = digit(tag.charCodeAt(3));
    return n !== null && n >= 1 && n <= 3 ? n : null;
  }
  return null;
}

function loadTagged(bytes: Uint8Array, tag: string, channels: number): Song {
  const flt8 = tag === 'FLT8';
  const samples = readSampleHeaders(bytes, PT.samples, false);
  const { orders, storedPatterns } = readOrders(bytes, PT.songLength, PT.orders, flt8);
  // Startrekker FLT8 stores each 8-channel pattern as two 4-channel halves and numbers
  // its orders in 4-channel units, so the order values are halved.
  const patternCount = flt8 ? Math.floor(storedPatterns / 2) + 1 : storedPatterns + 1;
  const patternBytes = ROWS * channels * CELL_BYTES;
  const end = PT.patterns + patternCount * patternBytes;
  if (end > bytes.length) {
    throw new SongLoadError(
      'TRUNCATED',
      bytes.length,
      `truncated MOD (${tag}): ${patternCount} patterns of ${channels} channels need bytes ${PT.patterns}..${end}, the file ends at ${bytes.length}`,
    );
  }
  const patterns: Pattern[] = [];
  for (let p = 0; p < patternCount; p++) {
    const base = PT.patterns + p * patternBytes;
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
  const samples = readSampleHeaders(bytes, ST.samples, true);
  const { orders, storedPatterns } = readOrders(bytes, ST.songLength, ST.orders, false);
  const patternCount = storedPatterns + 1;
  const patternBytes = ROWS * 4 * CELL_BYTES;
  const end = ST.patterns + patternCount * patternBytes;
  if (end > bytes.length) {
    throw new SongLoadError(
      'TRUNCATED',
      bytes.length,
      `truncated Soundtracker module: ${patternCount} patterns need bytes ${ST.patterns}..${end}, the file ends at ${bytes.length}`,
    );
  }
  const patterns: Pattern[] = [];
  for (let p = 0; p < patternCount; p++) patterns.push(readPattern(bytes, ST.patterns + p * patternBytes, 4));
  return {
    title: readName(bytes, 0, 20),
    format: { kind: 'soundtracker' },
    channels: 4,
    samples: readSampleData(bytes, samples, end),
    orders,
    restartPosition: 0,
    patterns,
  };
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
): { orders: number[]; storedPatterns: number } {
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
  let highest = -1;
  for (let i = 0; i < ORDER_SLOTS; i++) {
    const v = bytes[ordersAt + i] ?? 0;
    if (v > MAX_PATTERN) break;
    if (v > highest) highest = v;
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
  return { orders, storedPatterns: highest };
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

/**
 * Soundtracker files carry no tag, so they are recognised by a header that only makes
 * sense as one: printable names, volumes up to 64, no finetune, sane sizes and loops,
 * a song length of 1..128 and order bytes that are all pattern numbers.
 */
function soundtrackerProblem(bytes: Uint8Array): Problem | null {
  if (bytes.length < ST.patterns) {
    return { code: 'BAD_FORMAT', offset: bytes.length, text: `a header needs ${ST.patterns} bytes` };
  }
  const bad = (offset: number, text: string): Problem => ({ code: 'BAD_FORMAT', offset, text });
  const nameProblem = (at: number, size: number, what: string): Problem | null => {
    for (let k = 0; k < size; k++) {
      const b = bytes[at + k] ?? 0;
      if (b === 0) return null;
      if (b < 32 || b > 126) return bad(at + k, `${what} has the byte 0x${hex(b)}`);
    }
    return null;
  };
  const title = nameProblem(0, 20, 'the title');
  if (title) return title;
  let totalWords = 0;
  for (let i = 0; i < ST.samples; i++) {
    const at = 20 + i * SAMPLE_HEADER_BYTES;
    // The first byte of a name is junk in some rips, so it is not checked.
    const name = nameProblem(at + 1, 21, `sample ${i + 1}'s name`);
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
    if (loopStart > words * 2) {
      return bad(at + 26, `sample ${i + 1} loops from byte ${loopStart} of ${words * 2}`);
    }
    totalWords += words;
  }
  if (totalWords < 4) return bad(20 + 22, `the samples hold ${totalWords * 2} bytes in all`);
  const songLength = bytes[ST.songLength] ?? 0;
  if (songLength === 0 || songLength > ORDER_SLOTS) {
    return bad(ST.songLength, `the song length is ${songLength} (1..128)`);
  }
  for (let i = 0; i < ORDER_SLOTS; i++) {
    const v = bytes[ST.orders + i] ?? 0;
    if (v > MAX_PATTERN)
      return bad(ST.orders + i, `order ${i} is ${v} (pattern numbers go up to ${MAX_PATTERN})`);
  }
  // The first pattern must read as Soundtracker notes: sample numbers up to 15 and
  // periods in the Amiga range. A few stray cells are tolerated, as in real rips.
  const patternEnd = ST.patterns + ROWS * 4 * CELL_BYTES;
  if (patternEnd > bytes.length) {
    return {
      code: 'TRUNCATED',
      offset: bytes.length,
      text: `its first pattern needs bytes ${ST.patterns}..${patternEnd}, the file ends at ${bytes.length}`,
    };
  }
  let strays = 0;
  let firstStray = 0;
  for (let k = 0; k < ROWS * 4; k++) {
    const at = ST.patterns + k * CELL_BYTES;
    const cell = decodeCell(bytes, at);
    if (cell.sample > 15 || (cell.period !== 0 && (cell.period < 100 || cell.period > 1000))) {
      if (strays === 0) firstStray = at;
      strays++;
    }
  }
  if (strays > 4) {
    return bad(firstStray, `${strays} cells of the first pattern are not Soundtracker notes`);
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
