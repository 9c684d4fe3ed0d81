// Properties of the writer over arbitrary sound songs (among them: loading what it
// writes gives the song back).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modSong } from '../test/song-arbitrary.js';
import { loadMod } from './mod-loader.js';
import { type SongWriteError, writeMod } from './mod-writer.js';
import type { Song } from './song.js';

const expectedSize = (song: Song) =>
  1084 +
  song.patterns.length * 64 * song.channels * 4 +
  song.samples.reduce((sum, sample) => sum + sample.data.length, 0);

// Generous timeouts: FC_NUM_RUNS can raise the run count far above CI's.
const LONG = 600_000;

/** Deep equality, with sample data compared as bytes (a generic deep compare of 128 KiB arrays is slow). */
function expectSameSong(actual: Song, expected: Song): void {
  const strip = (song: Song) => ({
    ...song,
    samples: song.samples.map(({ data, ...rest }) => ({
      ...rest,
      bytes: data.length,
      isInt8: data instanceof Int8Array,
    })),
  });
  expect(strip(actual)).toEqual(strip(expected));
  actual.samples.forEach((sample, i) => {
    const want = expected.samples[i]!.data;
    expect(
      Buffer.compare(
        Buffer.from(sample.data.buffer, sample.data.byteOffset, sample.data.length),
        Buffer.from(want.buffer, want.byteOffset, want.length),
      ),
      `sample ${i + 1} data`,
    ).toBe(0);
  });
}

describe('writeMod properties', () => {
  it(
    'round-trips through the loader: loadMod(writeMod(song)) deep-equals song',
    () => {
      fc.assert(
        fc.property(modSong(), (song) => {
          expectSameSong(loadMod(writeMod(song)), song);
        }),
      );
    },
    LONG,
  );

  it(
    'round-trips large samples and many patterns',
    () => {
      fc.assert(
        fc.property(modSong({ maxPatterns: 24, maxSampleWords: 0xffff }), (song) => {
          expectSameSong(loadMod(writeMod(song)), song);
        }),
      );
    },
    LONG,
  );

  it(
    'writes every valid song, header + patterns + samples long',
    () => {
      fc.assert(
        fc.property(modSong(), (song) => {
          expect(writeMod(song).length).toBe(expectedSize(song));
        }),
      );
    },
    LONG,
  );

  it(
    'is deterministic and leaves the song untouched',
    () => {
      fc.assert(
        fc.property(modSong({ maxPatterns: 2 }), (song) => {
          const before = structuredClone(song);
          const a = writeMod(song);
          const b = writeMod(song);
          expect(Buffer.compare(a, b)).toBe(0);
          expectSameSong(song, before);
        }),
      );
    },
    LONG,
  );

  it(
    'ends with the samples, in order, byte for byte',
    () => {
      fc.assert(
        fc.property(modSong({ maxPatterns: 1 }), (song) => {
          const bytes = writeMod(song);
          let at = bytes.length;
          for (let i = song.samples.length - 1; i >= 0; i--) {
            const data = song.samples[i]!.data;
            at -= data.length;
            const written = Buffer.from(bytes.buffer, at, data.length);
            expect(Buffer.compare(written, Buffer.from(data.buffer, data.byteOffset, data.length))).toBe(0);
          }
        }),
      );
    },
    LONG,
  );

  it(
    'refuses any out-of-range cell with the cell named',
    () => {
      const bad = fc.oneof(
        fc.record({ key: fc.constant('period' as const), value: fc.integer({ min: 0x1000, max: 0xffff }) }),
        fc.record({ key: fc.constant('sample' as const), value: fc.integer({ min: 32, max: 255 }) }),
        fc.record({ key: fc.constant('effect' as const), value: fc.integer({ min: 16, max: 255 }) }),
        fc.record({ key: fc.constant('param' as const), value: fc.integer({ min: -255, max: -1 }) }),
      );
      fc.assert(
        fc.property(modSong({ maxPatterns: 2 }), bad, fc.nat(), fc.nat(), (song, { key, value }, r, c) => {
          const p = song.patterns.length - 1;
          const row = r % 64;
          const channel = c % song.channels;
          const rows = song.patterns[p]!.rows.map((cells) => [...cells]);
          rows[row]![channel] = { ...rows[row]![channel]!, [key]: value };
          const patterns = [...song.patterns];
          patterns[p] = { rows };
          const broken = { ...song, patterns };
          expect(() => writeMod(broken)).toThrow(
            expect.objectContaining({
              name: 'SongWriteError',
              code: 'INVALID_CELL',
              field: `patterns[${p}].rows[${row}][${channel}].${key}`,
            }) as SongWriteError,
          );
        }),
      );
    },
    LONG,
  );
});
