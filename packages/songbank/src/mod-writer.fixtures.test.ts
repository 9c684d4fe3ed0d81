// The writer against real files: every M.K. song in the shared fixtures is read with
// loadMod and written back. Where the original is canonical (a file ProTracker itself
// would write byte for byte), the bytes must match.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, haveFixtures } from '../../../test-support/fixtures.js';
import { loadMod } from './mod-loader.js';
import { SongWriteError, writeMod } from './mod-writer.js';

const song = (name: string) => new Uint8Array(readFileSync(join(fixturesDir, 'songs', name)));

/** Byte ranges in which two buffers differ, as "from-to" strings. */
function differences(a: Uint8Array, b: Uint8Array, from = 0, to = Math.max(a.length, b.length)): string[] {
  const ranges: string[] = [];
  let start = -1;
  for (let i = from; i <= to; i++) {
    const differs = i < to && a[i] !== b[i];
    if (differs && start < 0) start = i;
    if (!differs && start >= 0) {
      ranges.push(`${start}-${i - 1}`);
      start = -1;
    }
  }
  return ranges;
}

/** The header fields a loaded Song keeps exactly: sample lengths, finetunes, volumes, loops, song length, orders, tag. */
function numericHeader(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < 31; i++) out.push(...bytes.subarray(20 + i * 30 + 22, 20 + i * 30 + 30));
  const length = bytes[950]!;
  out.push(length, ...bytes.subarray(952, 952 + length), ...bytes.subarray(1080, 1084));
  return out;
}

describe.runIf(haveFixtures())('writeMod on the shared fixture songs', () => {
  // Canonical M.K. files: header + patterns + samples and nothing else.
  const canonical = [
    'APATHY.MOD',
    'ZONE-2A.mod',
    'condom_corruption.mod',
    'ode2ptk.mod',
    'peacedroid.mod',
    'sundance.mod',
  ];

  it.each(canonical)('%s: patterns, sample data and header numbers are byte-identical', (name) => {
    const original = song(name);
    const written = writeMod(loadMod(original));
    expect(String.fromCharCode(...written.subarray(1080, 1084))).toBe('M.K.');
    // The original may carry junk past its last sample (APATHY.MOD has 9 bytes).
    expect(original.length).toBeGreaterThanOrEqual(written.length);
    expect(differences(written, original, 1084, written.length)).toEqual([]);
    expect(numericHeader(written)).toEqual(numericHeader(original));
  });

  it('writes condom_corruption.mod and ode2ptk.mod back whole, byte for byte', () => {
    for (const name of ['condom_corruption.mod', 'ode2ptk.mod']) {
      const original = song(name);
      expect(differences(writeMod(loadMod(original)), original), name).toEqual([]);
    }
  });

  it('differs from ZONE-2A.mod and peacedroid.mod only in the restart byte, a tracker signature', () => {
    for (const [name, signature] of [
      ['ZONE-2A.mod', 0x78],
      ['peacedroid.mod', 0x7f],
    ] as const) {
      const original = song(name);
      const written = writeMod(loadMod(original));
      expect(differences(written, original), name).toEqual(['951-951']);
      expect(original[951]).toBe(signature);
      expect(written[951]).toBe(0);
    }
  });

  it('reads back what it writes for every M.K. fixture, canonical or not', () => {
    for (const name of [...canonical, 'ponylips.mod']) {
      const loaded = loadMod(song(name));
      const again = loadMod(writeMod(loaded));
      expect(again.orders, name).toEqual(loaded.orders);
      expect(again.patterns, name).toEqual(loaded.patterns);
      again.samples.forEach((sample, i) => {
        const want = loaded.samples[i]!;
        expect({ ...sample, data: sample.data.length }, `${name} sample ${i + 1}`).toEqual({
          ...want,
          data: want.data.length,
        });
        expect(Buffer.from(sample.data).equals(Buffer.from(want.data)), `${name} sample ${i + 1} data`).toBe(
          true,
        );
      });
    }
  });

  it('refuses to write the 8-channel WOW crystals.mod back under its 4-channel M.K. tag', () => {
    const loaded = loadMod(song('crystals.mod'));
    expect(loaded.channels).toBe(8);
    expect(() => writeMod(loaded)).toThrow(/8 channels, but tag "M.K." means 4/);
    const retagged = { ...loaded, format: { kind: 'protracker' as const, tag: '8CHN' } };
    expect(loadMod(writeMod(retagged)).patterns).toEqual(loaded.patterns);
  });

  it('refuses Gidion_Graveland.mod, whose FLT8 patterns name sample 241, and says where', () => {
    const loaded = loadMod(song('Gidion_Graveland.mod'));
    expect(() => writeMod(loaded)).toThrow(SongWriteError);
    expect(() => writeMod(loaded)).toThrow(/patterns\[3\]\.rows\[0\]\[1\]\.sample: sample number 241/);
  });
});
