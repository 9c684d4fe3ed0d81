// Invariants of the sequencer on arbitrary songs and on mutations of a real one: it
// always ends, every tick stays in range, and the trace prints what it plays.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixturesDir, haveFixtures } from '../../../test-support/fixtures.js';
import { buildSong, type RowSpec } from '../test/song-builder.js';
import { SongLoadError } from './errors.js';
import { loadMod } from './mod-loader.js';
import { createSequencer } from './sequencer.js';
import type { Song } from './song.js';
import { traceSong } from './trace.js';

/** Enough for any song the arbitraries make: 6 orders x 64 rows x 31 ticks x 16 (EEF), with loops. */
const TICK_LIMIT = 2_000_000;

/** Cheap assertion for hot loops (expect() per tick would dominate the run time). */
function check(ok: boolean, what: () => string): void {
  if (!ok) throw new Error(what());
}

/** Plays a song to its end, checking every tick; returns the number of ticks. */
function playChecked(song: Song): number {
  const seq = createSequencer(song, { stereoSeparation: 0.75 });
  let ticks = 0;
  for (let t = seq.next(); t; t = seq.next()) {
    check(++ticks <= TICK_LIMIT, () => `no end after ${TICK_LIMIT} ticks`);
    const at = () => `order ${t.order} row ${t.row} tick ${t.tick}`;
    check(t.order >= 0 && t.order < song.orders.length, () => `order out of range at ${at()}`);
    check(t.row >= 0 && t.row < 64, () => `row out of range at ${at()}`);
    check(t.speed >= 1 && t.speed <= 31, () => `speed ${t.speed} at ${at()}`);
    check(t.tempo >= 32 && t.tempo <= 255, () => `tempo ${t.tempo} at ${at()}`);
    check(Math.abs(t.duration - 2.5 / t.tempo) < 1e-12, () => `duration ${t.duration} at ${at()}`);
    check(t.channels.length === song.channels, () => `${t.channels.length} channels at ${at()}`);
    t.channels.forEach((c, i) => {
      const where = () => `channel ${i} at ${at()}: ${JSON.stringify(c)}`;
      check(Number.isInteger(c.volume) && c.volume >= 0 && c.volume <= 64, where);
      check(c.pan >= -96 && c.pan <= 95, where);
      check(Number.isFinite(c.period) && c.period >= 0, where);
      check(c.sample === -1 || (song.samples[c.sample]?.data.length ?? 0) > 0, where);
      if (c.trigger) {
        const length = song.samples[c.trigger.sample]?.data.length ?? -1;
        check(c.trigger.offset >= 0 && c.trigger.offset <= length, where);
      }
    });
  }
  expect(seq.ended).toBe(true);
  return ticks;
}

const cellArb = fc.record({
  period: fc.oneof(
    fc.constant(0),
    fc.constantFrom(113, 214, 428, 453, 678, 856, 907),
    fc.integer({ min: 1, max: 4095 }),
  ),
  sample: fc.integer({ min: 0, max: 33 }),
  effect: fc.integer({ min: 0, max: 15 }),
  param: fc.oneof(
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom(0x60, 0x61, 0x63, 0xe1, 0xe3, 0xd2, 0x92, 0xc1),
  ),
});

const songArb = fc
  .record({
    channels: fc.integer({ min: 1, max: 8 }),
    samples: fc.array(
      fc.record({
        length: fc.integer({ min: 0, max: 3000 }),
        volume: fc.integer({ min: 0, max: 64 }),
        finetune: fc.integer({ min: -8, max: 7 }),
        loopStart: fc.integer({ min: 0, max: 3000 }),
        loopLength: fc.integer({ min: 0, max: 3000 }),
      }),
      { maxLength: 5 },
    ),
    patterns: fc.array(
      fc.array(fc.tuple(fc.nat({ max: 63 }), fc.nat({ max: 7 }), cellArb), { maxLength: 60 }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    orders: fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 6 }),
    restart: fc.nat({ max: 5 }),
  })
  .map(({ channels, samples, patterns, orders, restart }): Song => {
    const rows = patterns.map((cells) => {
      const spec: Record<number, RowSpec> = {};
      for (const [r, c, cell] of cells) {
        const row = spec[r] ?? {};
        row[c % channels] = cell;
        spec[r] = row;
      }
      return spec;
    });
    const songOrders = orders.map((o) => o % patterns.length);
    return buildSong({
      channels,
      samples: samples.map((s) => {
        // Keep loops inside the data, as the loader guarantees.
        const loopStart = Math.min(s.loopStart, s.length);
        return { ...s, loopStart, loopLength: Math.min(s.loopLength, s.length - loopStart) };
      }),
      patterns: rows,
      orders: songOrders,
      restartPosition: restart < songOrders.length ? restart : 0,
    });
  });

describe('createSequencer on arbitrary songs', () => {
  it('always reaches an end, with every tick in range', () => {
    fc.assert(
      fc.property(songArb, (song) => {
        expect(playChecked(song)).toBeGreaterThan(0);
      }),
    );
  }, 120_000);

  it('traces what it plays: one line per listed channel and tick, all numbers', () => {
    fc.assert(
      fc.property(songArb, (song) => {
        for (const line of traceSong(song).split('\n').filter(Boolean)) {
          const fields = line.split(' ').map(Number);
          expect(fields).toHaveLength(11);
          expect(fields.every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });
});

describe.runIf(haveFixtures())('createSequencer on damaged real songs', () => {
  const base = haveFixtures()
    ? new Uint8Array(readFileSync(join(fixturesDir, 'songs', 'ode2ptk.mod')))
    : new Uint8Array();
  it('plays every loadable mutation of ode2ptk.mod to an end', () => {
    const flip = fc.record({ at: fc.nat({ max: base.length - 1 }), value: fc.nat({ max: 255 }) });
    fc.assert(
      fc.property(fc.array(flip, { minLength: 1, maxLength: 40 }), (pokes) => {
        const bytes = base.slice();
        for (const { at, value } of pokes) bytes[at] = value;
        let song: Song;
        try {
          song = loadMod(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SongLoadError);
          return;
        }
        playChecked(song);
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});
