// The loader on hand-built files and the real fixtures: each format's layout and quirks,
// and the typed error (with its byte offset) for each way a file can be wrong.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, haveFixtures } from '../../../test-support/fixtures.js';
import { buildMod, pattern } from '../test/mod-bytes.js';
import { SongLoadError } from './errors.js';
import { loadMod } from './mod-loader.js';
import { songProblems } from './song-invariants.js';

function fixture(folder: string, name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir, folder, name)));
}

function loadError(bytes: Uint8Array): SongLoadError {
  try {
    loadMod(bytes);
  } catch (e) {
    if (e instanceof SongLoadError) return e;
    throw e;
  }
  throw new Error('expected a SongLoadError, the file loaded');
}

const oneSample = [
  { name: 'square', words: 4, volume: 64, data: [127, 127, 127, 127, -128, -128, -128, -128] },
];

describe('loadMod on hand-built files', () => {
  it('reads a 4-channel M.K. module field by field', () => {
    const bytes = buildMod({
      title: 'hello',
      tag: 'M.K.',
      channels: 4,
      samples: [
        { name: 'lead', words: 8, finetuneByte: 0x0f, volume: 40, loopStartField: 2, loopWords: 4 },
        { name: 'bass', words: 3, finetuneByte: 0x07, volume: 99 },
      ],
      songLength: 2,
      restart: 1,
      orders: [1, 0],
      patterns: [
        pattern({ 0: [{ period: 428, sample: 1, effect: 0xc, param: 0x20 }] }),
        pattern({ 63: [{}, {}, {}, { period: 856, sample: 2, effect: 0xf, param: 6 }] }),
      ],
    });
    const song = loadMod(bytes);
    expect(songProblems(song)).toEqual([]);
    expect(song.title).toBe('hello');
    expect(song.format).toEqual({ kind: 'protracker', tag: 'M.K.' });
    expect(song.channels).toBe(4);
    expect(song.orders).toEqual([1, 0]);
    expect(song.restartPosition).toBe(1);
    expect(song.samples).toHaveLength(31);
    const [lead, bass] = song.samples;
    expect(lead).toMatchObject({ name: 'lead', finetune: -1, volume: 40, loopStart: 4, loopLength: 8 });
    expect(lead?.data.length).toBe(16);
    expect(bass).toMatchObject({ name: 'bass', finetune: 7, volume: 64, loopLength: 2 });
    expect(song.patterns[0]?.rows[0]?.[0]).toEqual({ period: 428, sample: 1, effect: 0xc, param: 0x20 });
    expect(song.patterns[1]?.rows[63]?.[3]).toEqual({ period: 856, sample: 2, effect: 0xf, param: 6 });
  });

  it('keeps the signed 8-bit sample data', () => {
    const song = loadMod(
      buildMod({
        tag: 'M.K.',
        channels: 4,
        samples: oneSample,
        songLength: 1,
        orders: [0],
        patterns: [pattern({})],
      }),
    );
    expect(Array.from(song.samples[0]?.data ?? [])).toEqual([127, 127, 127, 127, -128, -128, -128, -128]);
  });

  it.each([
    ['2CHN', 2],
    ['6CHN', 6],
    ['8CHN', 8],
    ['10CH', 10],
    ['16CH', 16],
    ['32CH', 32],
    ['4CHN', 4],
    ['M!K!', 4],
    ['FLT4', 4],
    ['TDZ3', 3],
  ])('reads the %s tag as %i channels', (tag, channels) => {
    const cells = Array.from({ length: channels }, (_, c) => ({ period: 113 + c, sample: 1 }));
    const song = loadMod(
      buildMod({
        tag,
        channels,
        samples: oneSample,
        songLength: 1,
        orders: [0],
        patterns: [pattern({ 5: cells })],
      }),
    );
    expect(songProblems(song)).toEqual([]);
    expect(song.channels).toBe(channels);
    expect(song.patterns[0]?.rows[5]?.map((c) => c.period)).toEqual(cells.map((c) => c.period));
    expect(song.samples[0]?.data.length).toBe(8);
  });

  it('joins the two 4-channel halves of a FLT8 pattern and halves its order numbers', () => {
    const left = pattern({ 0: [{ period: 100 }, { period: 101 }, { period: 102 }, { period: 103 }] });
    const right = pattern({ 0: [{ period: 200 }, { period: 201 }, { period: 202 }, { period: 203 }] });
    const second = pattern({ 1: [{ period: 300 }] });
    const song = loadMod(
      buildMod({
        tag: 'FLT8',
        channels: 8,
        samples: oneSample,
        songLength: 2,
        orders: [2, 0],
        patterns: [left, right, second, pattern({})],
      }),
    );
    expect(songProblems(song)).toEqual([]);
    expect(song.channels).toBe(8);
    expect(song.orders).toEqual([1, 0]);
    expect(song.patterns).toHaveLength(2);
    expect(song.patterns[0]?.rows[0]?.map((c) => c.period)).toEqual([100, 101, 102, 103, 200, 201, 202, 203]);
    expect(song.patterns[1]?.rows[1]?.[0]?.period).toBe(300);
    expect(song.samples[0]?.data.length).toBe(8);
  });

  it('reads a 15-sample Soundtracker module, keeping only the looped part of a looped sample', () => {
    const data = Array.from({ length: 16 }, (_, i) => i);
    const bytes = buildMod({
      title: 'st tune',
      channels: 4,
      // The loop start is in bytes here: bytes 6..13 loop, 0..5 (the attack) and 14..15 never play.
      samples: [
        { name: 'st-01:drum', words: 8, volume: 50, loopStartField: 6, loopWords: 4, data },
        { words: 4 },
      ],
      songLength: 1,
      restart: 0x20,
      orders: [0],
      patterns: [pattern({ 0: [{ period: 428, sample: 1, effect: 0xf, param: 0x40 }] })],
    });
    const song = loadMod(bytes);
    expect(songProblems(song)).toEqual([]);
    expect(song.format).toEqual({ kind: 'soundtracker' });
    expect(song.samples).toHaveLength(15);
    expect(song.samples[0]).toMatchObject({ volume: 50, loopStart: 0, loopLength: 8 });
    expect(Array.from(song.samples[0]?.data ?? [])).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
    expect(song.samples[1]?.data.length).toBe(8);
    expect(song.tempo).toBeUndefined();
    expect(song.patterns[0]?.rows[0]?.[0]).toMatchObject({ effect: 0xf, param: 0x40 });
  });

  it('reads Ultimate Soundtracker tempo and its 1xy arpeggio and 2xy bend', () => {
    const bytes = buildMod({
      channels: 4,
      samples: [{ words: 8 }],
      songLength: 1,
      restart: 0x64,
      orders: [0],
      patterns: [
        pattern({
          0: [{ period: 428, sample: 1, effect: 1, param: 0x37 }],
          1: [{ effect: 2, param: 0x03 }],
          2: [{ effect: 2, param: 0x50 }],
        }),
      ],
    });
    const song = loadMod(bytes);
    expect(song.tempo).toBe(100);
    expect(song.patterns[0]?.rows.slice(0, 3).map((r) => [r[0]?.effect, r[0]?.param])).toEqual([
      [0, 0x37],
      [1, 0x03],
      [2, 0x05],
    ]);
  });

  it('reads Digital Tracker FA08 modules, whose patterns start 4 bytes after the tag', () => {
    const cells = Array.from({ length: 8 }, (_, c) => ({ period: 200 + c, sample: 1 }));
    const song = loadMod(
      buildMod({
        tag: 'FA08',
        afterTag: [0, 0x40, 0, 0],
        channels: 8,
        samples: oneSample,
        songLength: 1,
        orders: [0],
        patterns: [pattern({ 0: cells })],
      }),
    );
    expect(song.channels).toBe(8);
    expect(song.patterns[0]?.rows[0]?.map((c) => c.period)).toEqual(cells.map((c) => c.period));
    expect(Array.from(song.samples[0]?.data ?? [])).toEqual([127, 127, 127, 127, -128, -128, -128, -128]);
  });

  it('counts only the patterns the song plays when the file is exactly that long', () => {
    // Order slots past the song length name pattern 5, but only pattern 0 is stored.
    const bytes = buildMod({
      tag: 'M.K.',
      channels: 4,
      samples: oneSample,
      songLength: 1,
      orders: [0, 5],
      patterns: [pattern({ 1: [{ period: 300 }] })],
    });
    const song = loadMod(bytes);
    expect(song.patterns).toHaveLength(1);
    expect(song.patterns[0]?.rows[1]?.[0]?.period).toBe(300);
    expect(song.samples[0]?.data.length).toBe(8);
    // One byte more or less and the layout is ambiguous: all 128 slots count, and the file is short.
    expect(loadError(Uint8Array.from([...bytes, 0]))).toMatchObject({ code: 'TRUNCATED' });
  });

  it('accepts Soundtracker names with backspace, shift-out and a carriage return end', () => {
    const bytes = buildMod({
      title: 'old\x08tune',
      channels: 4,
      samples: [{ name: 'st-01:bass\x0e\r\x01junk', words: 8 }],
      songLength: 1,
      orders: [0],
      patterns: [pattern({ 0: [{ period: 428, sample: 1 }] })],
    });
    expect(loadMod(bytes).format).toEqual({ kind: 'soundtracker' });
  });

  it('refuses an untagged file whose patterns are not Soundtracker notes', () => {
    const cells = Array.from({ length: 4 }, () => ({ period: 1000, sample: 1 }));
    const rows = Object.fromEntries(Array.from({ length: 6 }, (_, r) => [r, cells]));
    const bytes = buildMod({
      channels: 4,
      samples: [{ words: 8 }],
      songLength: 1,
      orders: [0],
      patterns: [pattern(rows)],
    });
    const error = loadError(bytes);
    expect(error.code).toBe('BAD_FORMAT');
    expect(error.message).toMatch(/more than 22 pattern cells/);
  });

  it('refuses a Soundtracker rip that lost more than 7% of the sample data its patterns play', () => {
    const full = buildMod({
      channels: 4,
      samples: [{ words: 4000 }],
      songLength: 1,
      orders: [0],
      patterns: [pattern({ 0: [{ period: 428, sample: 1 }] })],
    });
    expect(loadMod(full.slice(0, full.length - 500)).samples[0]?.data.length).toBe(7500);
    expect(loadError(full.slice(0, full.length - 1000))).toMatchObject({
      code: 'TRUNCATED',
      offset: full.length - 1000,
    });
  });

  it('refuses an untagged file whose header is not Soundtracker, naming the byte', () => {
    const bytes = buildMod({
      channels: 4,
      samples: [{ words: 8, volume: 65 }],
      songLength: 1,
      orders: [0],
      patterns: [pattern({})],
    });
    const error = loadError(bytes);
    expect(error.code).toBe('BAD_FORMAT');
    expect(error.offset).toBe(20 + 25);
    expect(error.message).toMatch(/volume 65/);
    expect(error.message).toMatch(/byte offset 45/);
  });

  it('clips sample data the file does not hold', () => {
    const full = buildMod({
      tag: 'M.K.',
      channels: 4,
      samples: [{ words: 100, loopStartField: 40, loopWords: 50 }],
      songLength: 1,
      orders: [0],
      patterns: [pattern({})],
    });
    const song = loadMod(full.slice(0, 1084 + 1024 + 90));
    expect(songProblems(song)).toEqual([]);
    expect(song.samples[0]?.data.length).toBe(90);
    expect(song.samples[0]).toMatchObject({ loopStart: 80, loopLength: 10 });
  });

  it('drops a loop that starts past the end and shortens one that runs past it', () => {
    const song = loadMod(
      buildMod({
        tag: 'M.K.',
        channels: 4,
        samples: [
          { words: 10, loopStartField: 12, loopWords: 4 },
          { words: 10, loopStartField: 6, loopWords: 8 },
        ],
        songLength: 1,
        orders: [0],
        patterns: [pattern({})],
      }),
    );
    expect(songProblems(song)).toEqual([]);
    expect(song.samples[0]).toMatchObject({ loopStart: 0, loopLength: 2 });
    expect(song.samples[1]).toMatchObject({ loopStart: 12, loopLength: 8 });
  });

  it('treats restart bytes that are signatures or out of range as 0', () => {
    for (const restart of [0x7f, 0x78, 3]) {
      const song = loadMod(
        buildMod({
          tag: 'M.K.',
          channels: 4,
          samples: oneSample,
          songLength: 2,
          restart,
          orders: [0, 0],
          patterns: [pattern({})],
        }),
      );
      expect(song.restartPosition).toBe(0);
    }
  });

  it('counts stored patterns over all 128 order slots', () => {
    const song = loadMod(
      buildMod({
        tag: 'M.K.',
        channels: 4,
        samples: oneSample,
        songLength: 1,
        orders: [0, 1, 2],
        patterns: [pattern({}), pattern({}), pattern({ 0: [{ period: 214 }] })],
      }),
    );
    expect(song.orders).toEqual([0]);
    expect(song.patterns).toHaveLength(3);
    expect(song.patterns[2]?.rows[0]?.[0]?.period).toBe(214);
    expect(song.samples[0]?.data.length).toBe(8);
  });

  it('refuses a song length of 0 and an order list with no pattern number', () => {
    const zero = loadError(
      buildMod({
        tag: 'M.K.',
        channels: 4,
        samples: oneSample,
        songLength: 0,
        orders: [0],
        patterns: [pattern({})],
      }),
    );
    expect(zero).toMatchObject({ code: 'NO_ORDERS', offset: 950 });
    const junk = loadError(
      buildMod({ tag: 'M.K.', channels: 4, samples: oneSample, songLength: 1, orders: [200], patterns: [] }),
    );
    expect(junk).toMatchObject({ code: 'NO_ORDERS', offset: 952 });
    expect(junk.message).toMatch(/200/);
  });

  it('refuses truncated pattern data, naming where the file ends', () => {
    const bytes = buildMod({
      tag: '8CHN',
      channels: 8,
      samples: oneSample,
      songLength: 1,
      orders: [0],
      patterns: [pattern({})],
      truncateTo: 2000,
    });
    const error = loadError(bytes);
    expect(error).toMatchObject({ code: 'TRUNCATED', offset: 2000 });
    expect(error.message).toMatch(/1084\.\.3132/);
  });

  it('refuses files shorter than any header and values that are not bytes', () => {
    expect(loadError(new Uint8Array(10))).toMatchObject({ code: 'BAD_FORMAT', offset: 10 });
    expect(loadError(new Uint8Array(0))).toMatchObject({ code: 'BAD_FORMAT', offset: 0 });
    expect(loadError([1, 2, 3] as unknown as Uint8Array)).toMatchObject({ code: 'INVALID_INPUT', offset: 0 });
  });
});

describe.runIf(haveFixtures())('loadMod on the shared fixtures', () => {
  const songs: [string, string, number, number][] = [
    ['APATHY.MOD', 'M.K.', 4, 34],
    ['Gidion_Graveland.mod', 'FLT8', 8, 3],
    ['ZONE-2A.mod', 'M.K.', 4, 13],
    ['condom_corruption.mod', 'M.K.', 4, 45],
    // A Mod's Grave (WOW) file: 8 channels behind an M.K. tag.
    ['crystals.mod', 'M.K.', 8, 11],
    ['ode2ptk.mod', 'M.K.', 4, 18],
    ['peacedroid.mod', 'M.K.', 4, 38],
    ['ponylips.mod', 'M.K.', 4, 18],
    ['sundance.mod', 'M.K.', 4, 44],
  ];

  it('has a row here for every song in songs/', () => {
    expect(readdirSync(join(fixturesDir, 'songs')).sort()).toEqual(songs.map(([name]) => name).sort());
  });

  it.each(songs)('loads songs/%s (%s, %i channels, %i orders)', (name, tag, channels, orders) => {
    const song = loadMod(fixture('songs', name));
    expect(songProblems(song)).toEqual([]);
    expect(song.format).toEqual({ kind: 'protracker', tag });
    expect(song.channels).toBe(channels);
    expect(song.orders).toHaveLength(orders);
    expect(song.samples.some((s) => s.data.length > 0)).toBe(true);
  });

  it('loads every compat module as a 4-channel M.K. song', () => {
    const names = readdirSync(join(fixturesDir, 'compat')).filter((n) => n.endsWith('.mod'));
    expect(names).toHaveLength(8);
    for (const name of names) {
      const song = loadMod(fixture('compat', name));
      expect(songProblems(song), name).toEqual([]);
      expect(song.channels, name).toBe(4);
    }
  });

  it('reads the sample data of a file completely (peacedroid.mod ends where its last sample ends)', () => {
    const bytes = fixture('songs', 'peacedroid.mod');
    const song = loadMod(bytes);
    const sampleBytes = song.samples.reduce((n, s) => n + s.data.length, 0);
    expect(1084 + song.patterns.length * 1024 + sampleBytes).toBe(bytes.length);
  });

  it('has a row here for every file in malformed/', () => {
    expect(readdirSync(join(fixturesDir, 'malformed')).sort()).toEqual([
      'load_mod_no_null_terminator.mod',
      'load_mod_no_valid_orders.mod',
      'load_st_truncated.mod',
      'play_mod_bad_invloop.mod',
    ]);
  });

  it('refuses load_mod_no_null_terminator.mod: 92 six-channel patterns promised, none stored', () => {
    const error = loadError(fixture('malformed', 'load_mod_no_null_terminator.mod'));
    expect(error).toMatchObject({ code: 'TRUNCATED', offset: 1084 });
    expect(error.message).toMatch(/92 patterns of 6 channels/);
  });

  it('refuses load_mod_no_valid_orders.mod at its first order byte', () => {
    const error = loadError(fixture('malformed', 'load_mod_no_valid_orders.mod'));
    expect(error).toMatchObject({ code: 'NO_ORDERS', offset: 952 });
    expect(error.message).toMatch(/191/);
  });

  it('refuses load_st_truncated.mod: a Soundtracker header whose 32 patterns are missing', () => {
    const error = loadError(fixture('malformed', 'load_st_truncated.mod'));
    expect(error).toMatchObject({ code: 'TRUNCATED', offset: 600 });
    expect(error.message).toMatch(/Soundtracker.*32 patterns need bytes 600\.\.33368/);
  });

  it('loads play_mod_bad_invloop.mod with every loop inside its sample', () => {
    const song = loadMod(fixture('malformed', 'play_mod_bad_invloop.mod'));
    expect(songProblems(song)).toEqual([]);
    expect(song.format).toEqual({ kind: 'protracker', tag: '4CHN' });
  });
});
