// The loader against arbitrary and damaged bytes: a typed error or a sound Song, never a
// crash, a hang or a read out of range.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
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

/** Every MOD file under the fixtures folder (songs, compat cases and the malformed corpus). */
function fixtureMods(): [string, Uint8Array][] {
  const found: [string, Uint8Array][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.mod$/i.test(entry.name))
        found.push([relative(fixturesDir, path), new Uint8Array(readFileSync(path))]);
    }
  };
  walk(fixturesDir);
  return found.sort(([a], [b]) => a.localeCompare(b));
}

/** Where the header's length fields are, for both layouts (31 samples + tag, or 15 samples). */
function lengthFields(bytes: Uint8Array): number[] {
  const tagged = bytes.length >= 1084;
  const samples = tagged ? 31 : 15;
  const fields: number[] = [];
  for (let i = 0; i < samples; i++) {
    const header = 20 + i * 30;
    fields.push(header + 22, header + 26, header + 28); // length, loop start, loop length (words)
  }
  return fields;
}

type Mutation =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly flips: readonly { at: number; bit: number }[] }
  | {
      readonly kind: 'oversize';
      readonly fields: readonly { which: number; value: number }[];
      readonly songLength: number | null;
    };

function mutationArb(base: Uint8Array): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: base.length }) }),
    fc.record({
      kind: fc.constant('flip' as const),
      flips: fc.array(
        fc.record({
          at: fc.oneof(fc.nat({ max: 1083 }), fc.nat({ max: base.length - 1 })),
          bit: fc.nat({ max: 7 }),
        }),
        { minLength: 1, maxLength: 16 },
      ),
    }),
    fc.record({
      kind: fc.constant('oversize' as const),
      fields: fc.array(
        fc.record({
          which: fc.nat({ max: 92 }),
          value: fc.oneof(
            fc.constantFrom(0xffff, 0x8000, 0x7fff, 0xfffe),
            fc.integer({ min: 0, max: 0xffff }),
          ),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      songLength: fc.option(fc.constantFrom(0, 127, 128, 129, 255), { nil: null }),
    }),
  );
}

function mutate(base: Uint8Array, m: Mutation): Uint8Array {
  if (m.kind === 'truncate') return base.slice(0, m.at);
  const bytes = base.slice();
  if (m.kind === 'flip') {
    for (const { at, bit } of m.flips) bytes[at] = (bytes[at] ?? 0) ^ (1 << bit);
    return bytes;
  }
  const fields = lengthFields(bytes);
  for (const { which, value } of m.fields) {
    const at = fields[which % fields.length] as number;
    if (at + 1 < bytes.length) {
      bytes[at] = value >> 8;
      bytes[at + 1] = value & 0xff;
    }
  }
  if (m.songLength !== null) {
    const at = bytes.length >= 1084 ? 950 : 470;
    if (at < bytes.length) bytes[at] = m.songLength;
  }
  return bytes;
}

const tally = new Map<string, { loads: number; refused: number; loaded: number; slowestMs: number }>();

afterAll(() => {
  if (tally.size === 0) return;
  let loads = 0;
  let refused = 0;
  let slowest = 0;
  for (const t of tally.values()) {
    loads += t.loads;
    refused += t.refused;
    slowest = Math.max(slowest, t.slowestMs);
  }
  console.log(
    `MOD fixture fuzz: ${tally.size} fixtures, ${loads} mutated loads, ${refused} SongLoadError, ${loads - refused} safe loads, slowest load ${slowest.toFixed(1)} ms\n` +
      [...tally]
        .map(
          ([name, t]) =>
            `  ${name}: ${t.loads} loads, ${t.refused} refused, slowest ${t.slowestMs.toFixed(1)} ms`,
        )
        .join('\n'),
  );
});

describe.runIf(haveFixtures())('loadMod on mutations of every fixture', () => {
  const fixtures = haveFixtures() ? fixtureMods() : [];

  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  it.each(fixtures)(
    '%s: truncated, bit-flipped or with oversized lengths, ends in SongLoadError or a sound Song',
    (name, base) => {
      const t = { loads: 0, refused: 0, loaded: 0, slowestMs: 0 };
      tally.set(name, t);
      fc.assert(
        fc.property(mutationArb(base), (m) => {
          const bytes = mutate(base, m);
          const began = performance.now();
          let refused = false;
          try {
            loadMod(bytes);
          } catch (e) {
            refused = e instanceof SongLoadError;
          }
          // Time per load is measured and reported, not asserted.
          t.slowestMs = Math.max(t.slowestMs, performance.now() - began);
          t.loads++;
          if (refused) t.refused++;
          else t.loaded++;
          assertRefusedOrSound(bytes);
        }),
      );
    },
  );
});
