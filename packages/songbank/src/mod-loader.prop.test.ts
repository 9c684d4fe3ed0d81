import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixturesDir, haveFixtures } from '../../../test-support/fixtures.js';
import { buildMod, pattern } from '../test/mod-bytes.js';
import { SongLoadError } from './errors.js';
import { loadMod } from './mod-loader.js';
import { songProblems } from './song-invariants.js';

const codes = ['TRUNCATED', 'BAD_FORMAT', 'NO_ORDERS', 'BAD_VALUE', 'INVALID_INPUT'];

/** The loader's contract: a typed error that points inside the file, or a sound Song. */
function assertRefusedOrSound(bytes: Uint8Array): void {
  let song: ReturnType<typeof loadMod>;
  try {
    song = loadMod(bytes);
  } catch (e) {
    if (!(e instanceof SongLoadError)) throw e;
    expect(codes).toContain(e.code);
    expect(Number.isInteger(e.offset)).toBe(true);
    expect(e.offset).toBeGreaterThanOrEqual(0);
    expect(e.offset).toBeLessThanOrEqual(bytes.length);
    expect(e.message).toMatch(/byte offset \d+/);
    return;
  }
  expect(songProblems(song)).toEqual([]);
}

const handBuilt = buildMod({
  title: 'prop base',
  tag: 'M.K.',
  channels: 4,
  samples: [
    {
      words: 40,
      volume: 64,
      loopStartField: 10,
      loopWords: 20,
      data: Array.from({ length: 80 }, (_, i) => (i * 7) % 256),
    },
    { words: 12, volume: 30, data: Array.from({ length: 24 }, (_, i) => i) },
  ],
  songLength: 3,
  orders: [0, 1, 0],
  patterns: [
    pattern({ 0: [{ period: 428, sample: 1, effect: 0xf, param: 6 }] }),
    pattern({ 10: [{ period: 214, sample: 2, effect: 0xd }] }),
  ],
});

const bases: [string, Uint8Array][] = [['hand-built M.K.', handBuilt]];
if (haveFixtures()) {
  bases.push(['ode2ptk.mod', new Uint8Array(readFileSync(join(fixturesDir, 'songs', 'ode2ptk.mod')))]);
  bases.push([
    'Gidion_Graveland.mod',
    new Uint8Array(readFileSync(join(fixturesDir, 'songs', 'Gidion_Graveland.mod'))),
  ]);
}

describe('loadMod never crashes, hangs or reads out of range', { timeout: 60_000 }, () => {
  it('on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4000 }), (bytes) => assertRefusedOrSound(bytes)));
  });

  it('on random bytes that carry a known tag at byte 1080', () => {
    const tags = ['M.K.', 'FLT8', '6CHN', '32CH', 'FLT4', '1CHN'];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1084, maxLength: 12000 }),
        fc.constantFrom(...tags),
        (bytes, tag) => {
          for (let i = 0; i < 4; i++) bytes[1080 + i] = tag.charCodeAt(i);
          assertRefusedOrSound(bytes);
        },
      ),
    );
  });

  describe.each(bases)('on mutations of %s', (_name, base) => {
    it('loads unchanged', () => {
      expect(songProblems(loadMod(base))).toEqual([]);
    });

    it('truncated anywhere', () => {
      fc.assert(
        fc.property(fc.nat({ max: base.length }), (length) => assertRefusedOrSound(base.slice(0, length))),
      );
    });

    it('with bits flipped anywhere, and more often in the header', () => {
      const flip = fc.record({
        at: fc.oneof(fc.nat({ max: 1083 }), fc.nat({ max: base.length - 1 })),
        bit: fc.nat({ max: 7 }),
      });
      fc.assert(
        fc.property(fc.array(flip, { minLength: 1, maxLength: 12 }), (flips) => {
          const bytes = base.slice();
          for (const { at, bit } of flips) bytes[at] = (bytes[at] ?? 0) ^ (1 << bit);
          assertRefusedOrSound(bytes);
        }),
      );
    });

    it('with header bytes overwritten by arbitrary values', () => {
      const poke = fc.record({ at: fc.nat({ max: 1083 }), value: fc.nat({ max: 255 }) });
      fc.assert(
        fc.property(fc.array(poke, { minLength: 1, maxLength: 20 }), (pokes) => {
          const bytes = base.slice();
          for (const { at, value } of pokes) bytes[at] = value;
          assertRefusedOrSound(bytes);
        }),
      );
    });
  });
});
