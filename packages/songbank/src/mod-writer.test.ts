// The writer's byte layout, its format tags, and the field each SongWriteError names.
import { describe, expect, it } from 'vitest';
import { channelsForTag, MAX_SAMPLE_BYTES, SongWriteError, tagForChannels, writeMod } from './mod-writer.js';
import type { Cell, Pattern, Sample, Song } from './song.js';

const emptyCell: Cell = { period: 0, sample: 0, effect: 0, param: 0 };
const emptySample: Sample = {
  name: '',
  finetune: 0,
  volume: 0,
  loopStart: 0,
  loopLength: 2,
  data: new Int8Array(0),
};

function blankPattern(channels: number): Pattern {
  return { rows: Array.from({ length: 64 }, () => Array.from({ length: channels }, () => emptyCell)) };
}

function smallSong(overrides: Partial<Song> = {}): Song {
  const samples = Array.from({ length: 31 }, () => emptySample);
  samples[0] = {
    name: 'square',
    finetune: -3,
    volume: 48,
    loopStart: 2,
    loopLength: 6,
    data: Int8Array.from([0, 0, 100, 100, -100, -100, 100, -128]),
  };
  const p0 = blankPattern(4);
  const p1 = blankPattern(4);
  const rows = p1.rows.map((row) => [...row]);
  rows[0]![2] = { period: 428, sample: 1, effect: 0xc, param: 0x20 };
  rows[63]![3] = { period: 0xfff, sample: 31, effect: 0xf, param: 0xff };
  return {
    title: 'tiny tune',
    format: { kind: 'protracker', tag: 'M.K.' },
    channels: 4,
    samples,
    orders: [1, 0, 1],
    restartPosition: 1,
    patterns: [p0, { rows }],
    ...overrides,
  };
}

function replaceSample(song: Song, index: number, sample: Partial<Sample>): Song {
  const samples = [...song.samples];
  samples[index] = { ...samples[index]!, ...sample };
  return { ...song, samples };
}

function replaceCell(song: Song, cell: Partial<Cell>): Song {
  const rows = song.patterns[1]!.rows.map((row) => [...row]);
  rows[5]![1] = { ...emptyCell, ...cell };
  return { ...song, patterns: [song.patterns[0]!, { rows }] };
}

function writeError(song: Song): SongWriteError {
  try {
    writeMod(song);
  } catch (error) {
    if (error instanceof SongWriteError) return error;
    throw error;
  }
  throw new Error('writeMod accepted the song');
}

const text = (bytes: Uint8Array, from: number, length: number) =>
  String.fromCharCode(...bytes.subarray(from, from + length));

describe('writeMod layout', () => {
  const bytes = writeMod(smallSong());
  const view = new DataView(bytes.buffer);

  it('is header + patterns + sample data long', () => {
    expect(bytes.length).toBe(1084 + 2 * 1024 + 8);
  });

  it('writes the title NUL-padded to 20 bytes', () => {
    expect(text(bytes, 0, 9)).toBe('tiny tune');
    expect([...bytes.subarray(9, 20)].every((b) => b === 0)).toBe(true);
  });

  it('writes sample headers in words with the finetune nibble', () => {
    expect(text(bytes, 20, 6)).toBe('square');
    expect(view.getUint16(42)).toBe(4); // 8 frames
    expect(bytes[44]).toBe(0x0d); // -3 as a nibble
    expect(bytes[45]).toBe(48);
    expect(view.getUint16(46)).toBe(1);
    expect(view.getUint16(48)).toBe(3);
    // an unused slot: zero length, one-word loop
    expect(view.getUint16(50 + 22)).toBe(0);
    expect(view.getUint16(50 + 28)).toBe(1);
  });

  it('writes song length, restart, orders and the tag', () => {
    expect(bytes[950]).toBe(3);
    expect(bytes[951]).toBe(1);
    expect([...bytes.subarray(952, 956)]).toEqual([1, 0, 1, 0]);
    expect([...bytes.subarray(955, 1080)].every((b) => b === 0)).toBe(true);
    expect(text(bytes, 1080, 4)).toBe('M.K.');
  });

  it('packs cells as sample-high|period, period, sample-low|effect, parameter', () => {
    const p1 = 1084 + 1024;
    expect([...bytes.subarray(p1 + 8, p1 + 12)]).toEqual([0x01, 0xac, 0x1c, 0x20]);
    const last = p1 + (63 * 4 + 3) * 4;
    expect([...bytes.subarray(last, last + 4)]).toEqual([0x1f, 0xff, 0xff, 0xff]);
  });

  it('appends the sample data as signed bytes', () => {
    expect([...new Int8Array(bytes.buffer, 1084 + 2048, 8)]).toEqual([0, 0, 100, 100, -100, -100, 100, -128]);
  });

  it('keeps an unplayed last pattern in the file through the unused order tail', () => {
    const song = smallSong({ orders: [0], restartPosition: 0 });
    const out = writeMod(song);
    expect(out[950]).toBe(1);
    expect(out[953]).toBe(1);
    expect(out.length).toBe(1084 + 2048 + 8);
  });
});

describe('tags', () => {
  it('maps tags to channel counts', () => {
    expect(channelsForTag('M.K.')).toBe(4);
    expect(channelsForTag('M!K!')).toBe(4);
    expect(channelsForTag('FLT4')).toBe(4);
    expect(channelsForTag('6CHN')).toBe(6);
    expect(channelsForTag('12CH')).toBe(12);
    expect(channelsForTag('32CH')).toBe(32);
    expect(channelsForTag('33CH')).toBeUndefined();
    expect(channelsForTag('FLT8')).toBe(8);
    expect(channelsForTag('CD61')).toBe(6);
    expect(channelsForTag('TDZ3')).toBe(3);
    expect(channelsForTag('TDZ4')).toBeUndefined();
    expect(channelsForTag('0CHN')).toBeUndefined();
    expect(channelsForTag('M.K')).toBeUndefined();
  });

  it('names the conventional tag for each channel count', () => {
    expect(tagForChannels(4)).toBe('M.K.');
    expect(tagForChannels(8)).toBe('8CHN');
    expect(tagForChannels(16)).toBe('16CH');
    for (let n = 1; n <= 32; n++) expect(channelsForTag(tagForChannels(n))).toBe(n);
    expect(() => tagForChannels(33)).toThrow(SongWriteError);
  });

  it('writes xCHN and xxCH songs with that many cells per row', () => {
    const channels = 12;
    const song = smallSong({
      channels,
      format: { kind: 'protracker', tag: '12CH' },
      patterns: [blankPattern(channels), blankPattern(channels)],
    });
    const out = writeMod(song);
    expect(text(out, 1080, 4)).toBe('12CH');
    expect(out.length).toBe(1084 + 2 * 64 * channels * 4 + 8);
  });

  it('writes FLT8 patterns as two 4-channel halves and counts orders in halves', () => {
    const rows = blankPattern(8).rows.map((row) => [...row]);
    rows[0]![0] = { period: 428, sample: 1, effect: 0, param: 0 };
    rows[0]![4] = { period: 214, sample: 2, effect: 0xf, param: 6 };
    rows[1]![7] = { period: 113, sample: 3, effect: 0xc, param: 0x40 };
    const song = smallSong({
      channels: 8,
      format: { kind: 'protracker', tag: 'FLT8' },
      patterns: [blankPattern(8), { rows }],
      orders: [1, 0],
      restartPosition: 0,
    });
    const out = writeMod(song);
    expect(text(out, 1080, 4)).toBe('FLT8');
    expect([...out.subarray(950, 955)]).toEqual([2, 0, 2, 0, 0]);
    const p1 = 1084 + 2048; // after pattern 0's two halves
    expect([...out.subarray(p1, p1 + 4)]).toEqual([0x01, 0xac, 0x10, 0x00]); // row 0, channel 0
    expect([...out.subarray(p1 + 1024, p1 + 1028)]).toEqual([0x00, 0xd6, 0x2f, 0x06]); // row 0, channel 4
    const r1c7 = p1 + 1024 + (1 * 4 + 3) * 4;
    expect([...out.subarray(r1c7, r1c7 + 4)]).toEqual([0x00, 0x71, 0x3c, 0x40]);
    expect(out.length).toBe(1084 + 4 * 1024 + 8);
  });

  it('keeps an unplayed last FLT8 pattern through the order tail, in halves', () => {
    const song = smallSong({
      channels: 8,
      format: { kind: 'protracker', tag: 'FLT8' },
      patterns: [blankPattern(8), blankPattern(8), blankPattern(8)],
      orders: [0],
      restartPosition: 0,
    });
    const out = writeMod(song);
    expect([...out.subarray(950, 954)]).toEqual([1, 0, 0, 4]);
  });
});

describe('SongWriteError', () => {
  const cases: [string, Song, SongWriteError['code'], string][] = [
    ['soundtracker format', smallSong({ format: { kind: 'soundtracker' } }), 'UNSUPPORTED_FORMAT', 'format'],
    [
      'unknown tag',
      smallSong({ format: { kind: 'protracker', tag: 'WOW!' } }),
      'UNSUPPORTED_FORMAT',
      'format.tag',
    ],
    ['tag vs channels', smallSong({ channels: 6 }), 'CHANNEL_MISMATCH', 'channels'],
    [
      '65 FLT8 patterns',
      smallSong({
        channels: 8,
        format: { kind: 'protracker', tag: 'FLT8' },
        patterns: Array.from({ length: 65 }, () => blankPattern(8)),
        orders: [0],
        restartPosition: 0,
      }),
      'INVALID_PATTERN',
      'patterns',
    ],
    ['long title', smallSong({ title: 'x'.repeat(21) }), 'INVALID_TEXT', 'title'],
    ['NUL in title', smallSong({ title: 'a\0b' }), 'INVALID_TEXT', 'title'],
    ['tab in title', smallSong({ title: 'a\tb' }), 'INVALID_TEXT', 'title'],
    ['DEL in a name', replaceSample(smallSong(), 1, { name: 'x\u007f' }), 'INVALID_TEXT', 'samples[1].name'],
    [
      'non-Latin-1 name',
      replaceSample(smallSong(), 4, { name: 'snare\u2603' }),
      'INVALID_TEXT',
      'samples[4].name',
    ],
    ['30 samples', smallSong({ samples: smallSong().samples.slice(1) }), 'SAMPLE_COUNT', 'samples'],
    ['finetune 8', replaceSample(smallSong(), 2, { finetune: 8 }), 'INVALID_SAMPLE', 'samples[2].finetune'],
    ['volume 65', replaceSample(smallSong(), 2, { volume: 65 }), 'INVALID_SAMPLE', 'samples[2].volume'],
    [
      'odd length',
      replaceSample(smallSong(), 3, { data: new Int8Array(7) }),
      'ODD_LENGTH',
      'samples[3].data',
    ],
    [
      'sample over 128 KiB',
      replaceSample(smallSong(), 3, { data: new Int8Array(MAX_SAMPLE_BYTES + 2) }),
      'SAMPLE_TOO_LONG',
      'samples[3].data',
    ],
    ['odd loop start', replaceSample(smallSong(), 0, { loopStart: 1 }), 'ODD_LENGTH', 'samples[0].loopStart'],
    [
      'negative loop',
      replaceSample(smallSong(), 0, { loopLength: -2 }),
      'INVALID_LOOP',
      'samples[0].loopLength',
    ],
    [
      'loop past the end',
      replaceSample(smallSong(), 0, { loopStart: 4, loopLength: 6 }),
      'INVALID_LOOP',
      'samples[0].loopLength',
    ],
    ['no orders', smallSong({ orders: [] }), 'INVALID_ORDERS', 'orders'],
    ['129 orders', smallSong({ orders: Array(129).fill(0) }), 'INVALID_ORDERS', 'orders'],
    ['order past the patterns', smallSong({ orders: [0, 2] }), 'INVALID_ORDERS', 'orders[1]'],
    ['restart past the end', smallSong({ restartPosition: 3 }), 'INVALID_ORDERS', 'restartPosition'],
    [
      'restart at the NoiseTracker signature',
      smallSong({ orders: Array(121).fill(1), restartPosition: 0x78 }),
      'INVALID_ORDERS',
      'restartPosition',
    ],
    [
      'restart at the ProTracker signature',
      smallSong({ orders: Array(128).fill(1), restartPosition: 0x7f }),
      'INVALID_ORDERS',
      'restartPosition',
    ],
    [
      'unplayed pattern with a full order table',
      smallSong({ orders: Array(128).fill(0), restartPosition: 0 }),
      'INVALID_ORDERS',
      'patterns',
    ],
    [
      '63 rows',
      smallSong({ patterns: [blankPattern(4), { rows: blankPattern(4).rows.slice(1) }] }),
      'INVALID_PATTERN',
      'patterns[1].rows',
    ],
    [
      'three cells in a 4-channel row',
      smallSong({ patterns: [blankPattern(4), blankPattern(3)] }),
      'INVALID_PATTERN',
      'patterns[1].rows[0]',
    ],
    [
      'period 4096',
      replaceCell(smallSong(), { period: 4096 }),
      'INVALID_CELL',
      'patterns[1].rows[5][1].period',
    ],
    [
      'period 428.5',
      replaceCell(smallSong(), { period: 428.5 }),
      'INVALID_CELL',
      'patterns[1].rows[5][1].period',
    ],
    ['sample 32', replaceCell(smallSong(), { sample: 32 }), 'INVALID_CELL', 'patterns[1].rows[5][1].sample'],
    ['effect 16', replaceCell(smallSong(), { effect: 16 }), 'INVALID_CELL', 'patterns[1].rows[5][1].effect'],
    ['param 256', replaceCell(smallSong(), { param: 256 }), 'INVALID_CELL', 'patterns[1].rows[5][1].param'],
  ];

  it.each(cases)('%s', (_label, song, code, field) => {
    const error = writeError(song);
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('names the offending values in the message', () => {
    expect(writeError(replaceSample(smallSong(), 3, { data: new Int8Array(7) })).message).toMatch(/7 frames/);
    expect(writeError(replaceCell(smallSong(), { period: 5000 })).message).toMatch(/5000/);
    expect(writeError(smallSong({ orders: [0, 9] })).message).toMatch(/pattern 9.*0\.\.1/);
  });

  it('accepts the largest sample the format holds', () => {
    const song = replaceSample(smallSong(), 3, { data: new Int8Array(MAX_SAMPLE_BYTES) });
    expect(writeMod(song).length).toBe(1084 + 2048 + 8 + MAX_SAMPLE_BYTES);
  });
});
