// Builds MOD file bytes by hand, field by field, so loader tests can state exactly
// what a file holds without depending on the project's writer.

export interface RawSample {
  name?: string;
  /** Length in words as stored. */
  words: number;
  finetuneByte?: number;
  volume?: number;
  loopStartField?: number;
  loopWords?: number;
  /** Sample data to place in the file (may be shorter than declared, to truncate). */
  data?: number[];
}

export interface RawCell {
  period?: number;
  sample?: number;
  effect?: number;
  param?: number;
}

export interface RawModule {
  title?: string;
  /** 4 characters at byte 1080; absent for a 15-sample Soundtracker layout. */
  tag?: string;
  channels: number;
  samples: RawSample[];
  songLength: number;
  restart?: number;
  orders: number[];
  /** Stored 64-row blocks of `channels` cells (for FLT8, 4-channel halves). */
  patterns: RawCell[][][];
  /** Bytes between the tag and the patterns (Digital Tracker stores four). */
  afterTag?: number[];
  /** Cut the file to this many bytes. */
  truncateTo?: number;
}

export function cellBytes(c: RawCell): number[] {
  const period = c.period ?? 0;
  const sample = c.sample ?? 0;
  return [
    (sample & 0xf0) | ((period >> 8) & 0x0f),
    period & 0xff,
    ((sample & 0x0f) << 4) | (c.effect ?? 0),
    c.param ?? 0,
  ];
}

export function buildMod(m: RawModule): Uint8Array {
  const out: number[] = [];
  const text = (s: string, size: number): void => {
    for (let i = 0; i < size; i++) out.push(i < s.length ? s.charCodeAt(i) : 0);
  };
  const u16 = (v: number): void => {
    out.push((v >> 8) & 0xff, v & 0xff);
  };
  text(m.title ?? '', 20);
  const slots = m.tag === undefined ? 15 : 31;
  for (let i = 0; i < slots; i++) {
    const s = m.samples[i] ?? { words: 0 };
    text(s.name ?? '', 22);
    u16(s.words);
    out.push(s.finetuneByte ?? 0, s.volume ?? 64);
    u16(s.loopStartField ?? 0);
    u16(s.loopWords ?? 1);
  }
  out.push(m.songLength, m.restart ?? 0);
  for (let i = 0; i < 128; i++) out.push(m.orders[i] ?? 0);
  if (m.tag !== undefined) text(m.tag, 4);
  out.push(...(m.afterTag ?? []));
  for (const pattern of m.patterns) {
    for (let r = 0; r < 64; r++) {
      const row = pattern[r] ?? [];
      const width = m.tag === 'FLT8' ? 4 : m.channels;
      for (let c = 0; c < width; c++) out.push(...cellBytes(row[c] ?? {}));
    }
  }
  for (let i = 0; i < slots; i++) {
    const s = m.samples[i];
    if (s) out.push(...(s.data ?? new Array<number>(s.words * 2).fill(0)).map((v) => v & 0xff));
  }
  const bytes = Uint8Array.from(out);
  return m.truncateTo === undefined ? bytes : bytes.slice(0, m.truncateTo);
}

/** A pattern whose rows are empty except for the given cells. */
export function pattern(cells: Record<number, RawCell[]>): RawCell[][] {
  return Array.from({ length: 64 }, (_, r) => cells[r] ?? []);
}
