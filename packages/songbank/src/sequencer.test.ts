// The sequencer's behaviour effect by effect, on small songs built for each case.
import { describe, expect, it } from 'vitest';
import { buildSong, type SongSpec } from '../test/song-builder.js';
import { SequencerError } from './errors.js';
import { notePeriod } from './periods.js';
import { songDuration } from './player.js';
import { type ChannelTick, createSequencer, type SequencerOptions, type SequencerTick } from './sequencer.js';

function play(spec: SongSpec, options: SequencerOptions = {}, limit = 100_000): SequencerTick[] {
  const out: SequencerTick[] = [];
  const seq = createSequencer(buildSong(spec), options);
  for (let t = seq.next(); t && out.length < limit; t = seq.next()) out.push(t);
  return out;
}

/** Channel `chn` on each tick of one row (first pass through it). */
function row(ticks: SequencerTick[], r: number, chn = 0, order = 0): ChannelTick[] {
  return ticks.filter((t) => t.row === r && t.order === order).map((t) => t.channels[chn] as ChannelTick);
}

const C2 = 428;
const looped = { length: 2000, loopStart: 0, loopLength: 2000 };

describe('createSequencer: timing', () => {
  it('starts at speed 6 and 125 BPM: 20 ms ticks, six to a row', () => {
    const ticks = play({ patterns: [{}] });
    expect(ticks).toHaveLength(64 * 6);
    expect(ticks[0]).toMatchObject({
      order: 0,
      pattern: 0,
      row: 0,
      tick: 0,
      speed: 6,
      tempo: 125,
      time: 0,
      duration: 0.02,
    });
    expect(ticks[7]).toMatchObject({ row: 1, tick: 1 });
    expect(ticks[383]?.time).toBeCloseTo(383 * 0.02, 9);
  });

  it('sets speed below 0x20 and CIA tempo from 0x20 with Fxx', () => {
    const ticks = play({
      patterns: [
        {
          0: { 0: { effect: 0xf, param: 3 } },
          1: { 0: { effect: 0xf, param: 0x40 } },
        },
      ],
    });
    expect(row(ticks, 0)).toHaveLength(3);
    expect(ticks.filter((t) => t.row === 1).map((t) => t.duration)).toEqual([2.5 / 64, 2.5 / 64, 2.5 / 64]);
    expect(ticks).toHaveLength(64 * 3);
  });

  it('stops the song after the tick that reads F00, as ProTracker does (libopenmpt ignores it)', () => {
    // F00 on row 2 of the first of two orders: rows 0 and 1 play whole, row 2 plays its
    // first tick (its note starts), and nothing follows, not even the second order.
    const song = buildSong({
      samples: [{ length: 1000 }],
      patterns: [{ 2: { 0: { period: 428, sample: 1 }, 3: { effect: 0xf, param: 0 } } }],
      orders: [0, 0],
    });
    const ticks = [...createSequencer(song)];
    expect(ticks.map((t) => `${t.order}:${t.row}:${t.tick}`).slice(-2)).toEqual(['0:1:5', '0:2:0']);
    expect(ticks).toHaveLength(2 * 6 + 1);
    expect(ticks.at(-1)?.channels[0]?.trigger).toEqual({ sample: 0, offset: 0 });
    // In either tempo mode, and with loop on: F00 stops, it is not a loop point.
    expect([...createSequencer(song, { tempoMode: 'vblank' })]).toHaveLength(13);
    expect([...createSequencer(song, { loop: true })]).toHaveLength(13);
    expect(songDuration(song)).toBeCloseTo(13 * 0.02, 9);
  });

  it('starts at the song tempo, and takes every Fxx as a speed in Soundtracker modules', () => {
    const song = { ...buildSong({ patterns: [{ 0: { 0: { effect: 0xf, param: 0x21 } } }] }), tempo: 100 };
    const st = [
      ...createSequencer({ ...song, format: { kind: 'soundtracker' }, samples: song.samples.slice(0, 15) }),
    ];
    expect(st[0]).toMatchObject({ speed: 0x21, tempo: 100, duration: 0.025 });
    expect(st.filter((t) => t.row === 0)).toHaveLength(0x21);
    const pt = [...createSequencer(song)];
    expect(pt[0]).toMatchObject({ speed: 6, tempo: 0x21 });
  });

  it('takes a row speed set in any channel before that row plays', () => {
    const ticks = play({ patterns: [{ 0: { 3: { effect: 0xf, param: 2 } } }] });
    expect(row(ticks, 0)).toHaveLength(2);
  });
});

describe('createSequencer: notes, samples and panning', () => {
  it('triggers a note with its sample, volume and period on tick 0 only', () => {
    const ticks = play({
      samples: [{ ...looped, volume: 48 }],
      patterns: [{ 0: { 0: { period: C2, sample: 1 } } }],
    });
    const [first, second] = row(ticks, 0);
    expect(first).toMatchObject({
      sample: 0,
      instrument: 0,
      period: C2,
      volume: 48,
      note: 60,
      trigger: { sample: 0, offset: 0 },
    });
    expect(second?.trigger).toBeUndefined();
    expect(second).toMatchObject({ sample: 0, volume: 48 });
  });

  it('keeps a channel silent (-1) before its first note and for notes without a sample', () => {
    const ticks = play({ patterns: [{ 0: { 0: { period: C2 } } }] });
    expect(ticks.every((t) => t.channels.every((c) => c.sample === -1 && c.trigger === undefined))).toBe(
      true,
    );
  });

  it('pans LRRL, scaled by stereoSeparation', () => {
    const pans = (sep?: number) =>
      play({ patterns: [{}] }, sep === undefined ? {} : { stereoSeparation: sep })[0]?.channels.map(
        (c) => c.pan,
      );
    expect(pans()).toEqual([-128, 127, 127, -128]);
    expect(pans(0.5)).toEqual([-64, 63, 63, -64]);
    expect(pans(0)).toEqual([0, 0, 0, 0]);
    const eight = play({ channels: 8, patterns: [{}] })[0]?.channels.map((c) => c.pan);
    expect(eight).toEqual([-128, 127, 127, -128, -128, 127, 127, -128]);
  });

  it('refuses options out of range with a typed error', () => {
    const song = buildSong({ patterns: [{}] });
    for (const options of [
      { stereoSeparation: 1.5 },
      { stereoSeparation: Number.NaN },
      { mixRate: 10 },
      { tuning: 'pythagorean' },
    ]) {
      expect(() => createSequencer(song, options as SequencerOptions)).toThrow(SequencerError);
    }
    try {
      createSequencer(song, { stereoSeparation: -1 });
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_OPTION' });
      expect((e as Error).message).toMatch(/stereoSeparation.*-1/);
    }
    expect(() => createSequencer({ ...song, orders: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_SONG' }),
    );
    expect(() => createSequencer({ ...song, orders: [0, 7] })).toThrow(
      /order 1 is pattern 7; 1 patterns are stored/,
    );
    expect(() => createSequencer(null as unknown as typeof song)).toThrow(
      expect.objectContaining({ code: 'INVALID_SONG' }),
    );
  });

  it('stops a one-shot sample when it runs out, and loops a looped one', () => {
    const ticks = play({
      samples: [{ length: 300 }, looped],
      patterns: [{ 0: { 0: { period: C2, sample: 1 }, 1: { period: C2, sample: 2 } } }],
    });
    // 300 frames at C-2 (8287 Hz) last about 36 ms: they run out during the second tick.
    expect(ticks.slice(0, 4).map((t) => t.channels[0]?.sample)).toEqual([0, -1, -1, -1]);
    expect(ticks.slice(0, 4).map((t) => t.channels[0]?.cut)).toEqual([undefined, true, undefined, undefined]);
    expect(ticks.slice(0, 60).every((t) => t.channels[1]?.sample === 1)).toBe(true);
  });

  it('applies the sample finetune, and E5x for the note on its row', () => {
    const ticks = play({
      samples: [{ ...looped, finetune: 7 }],
      patterns: [{ 0: { 0: { period: C2, sample: 1 } }, 1: { 0: { period: C2, effect: 0xe, param: 0x5f } } }],
    });
    expect(row(ticks, 0)[0]?.period).toBeCloseTo(notePeriod(60, 7), 6);
    expect(row(ticks, 1)[0]?.period).toBeCloseTo(notePeriod(60, -1), 6);
  });

  it("plays ProTracker's table periods with tuning 'protracker'", () => {
    const spec: SongSpec = { patterns: [{ 0: { 0: { period: 678, sample: 1 } } }] };
    expect(play(spec, { tuning: 'protracker' })[0]?.channels[0]?.period).toBe(678);
    expect(play(spec)[0]?.channels[0]?.period).toBeCloseTo(679.41, 2);
  });
});

describe('createSequencer: pitch effects', () => {
  it('plays arpeggio 0xy as note, +x, +y semitones on ticks 0, 1, 2', () => {
    const ticks = play({ patterns: [{ 0: { 0: { period: C2, sample: 1, effect: 0, param: 0x47 } } }] });
    const periods = row(ticks, 0).map((c) => c.period);
    const expected = [0, 4, 7, 0, 4, 7].map((s) => C2 / 2 ** (s / 12));
    periods.forEach((p, i) => {
      expect(p).toBeCloseTo(expected[i] ?? 0, 2);
    });
  });

  it('slides with 1xx and 2xx on every tick but the first, within the Amiga limits', () => {
    const ticks = play({
      patterns: [
        {
          0: {
            0: { period: C2, sample: 1, effect: 1, param: 2 },
            1: { period: 120, sample: 1, effect: 1, param: 0xff },
          },
          1: { 0: { effect: 2, param: 0xff } },
        },
      ],
    });
    expect(row(ticks, 0).map((c) => c.period)).toEqual([428, 426, 424, 422, 420, 418]);
    expect(row(ticks, 0, 1).at(-1)?.period).toBeCloseTo(notePeriod(83, 0), 6);
    expect(row(ticks, 1).at(-1)?.period).toBeCloseTo(856, 6);
  });

  it('slides to the note with 3xx, stops there, and remembers its speed', () => {
    const ticks = play({
      patterns: [
        {
          0: { 0: { period: C2, sample: 1 } },
          1: { 0: { period: 214, effect: 3, param: 0x30 } },
          2: { 0: { effect: 3, param: 0 } },
          3: { 0: { period: 428, effect: 3, param: 0 } },
        },
      ],
    });
    expect(row(ticks, 1).map((c) => c.period)).toEqual([428, 380, 332, 284, 236, 214]);
    // The target was reached, so 300 with no note moves nothing.
    expect(row(ticks, 2).map((c) => c.period)).toEqual([214, 214, 214, 214, 214, 214]);
    expect(row(ticks, 3).map((c) => c.period)).toEqual([214, 262, 310, 358, 406, 428]);
    expect(row(ticks, 1)[0]?.trigger).toBeUndefined();
  });

  it('fine-slides with E1x and E2x once, on tick 0', () => {
    const ticks = play({
      patterns: [
        {
          0: { 0: { period: C2, sample: 1, effect: 0xe, param: 0x14 } },
          1: { 0: { effect: 0xe, param: 0x23 } },
        },
      ],
    });
    expect(row(ticks, 0).map((c) => c.period)).toEqual([424, 424, 424, 424, 424, 424]);
    expect(row(ticks, 1).map((c) => c.period)).toEqual([427, 427, 427, 427, 427, 427]);
  });

  it('vibrates with 4xy after tick 0, from a sine that restarts on each note', () => {
    const ticks = play({
      patterns: [
        {
          0: { 0: { period: C2, sample: 1, effect: 4, param: 0x48 } },
          1: { 0: { period: C2, sample: 1, effect: 4, param: 0 } },
        },
      ],
    });
    // Depth 8 -> 32/512 of the 255-peak sine; rate 4 steps a 64-entry table per tick.
    const sine = [0, 97, 180, 235, 255];
    const expected = [0, ...sine.slice(0, 5)].map((s, i) => (i === 0 ? C2 : C2 + Math.trunc((s * 32) / 512)));
    expect(row(ticks, 0).map((c) => c.period)).toEqual(expected);
    expect(row(ticks, 1).map((c) => c.period)).toEqual(expected);
  });

  it('keeps the vibrato phase across notes when E4x has bit 2 set', () => {
    const ticks = play({
      patterns: [
        {
          0: { 0: { period: C2, sample: 1, effect: 0xe, param: 0x44 } },
          1: { 0: { effect: 4, param: 0x48 } },
          2: { 0: { period: C2, sample: 1, effect: 4, param: 0 } },
        },
      ],
    });
    // Row 1 moved the phase 5 steps of 4 (to sine[20] = 235); the note on row 2 keeps it.
    expect(row(ticks, 2)[1]?.period).toBe(C2 + Math.trunc((235 * 32) / 512));
    const reset = play({
      patterns: [
        {
          1: { 0: { period: C2, sample: 1, effect: 4, param: 0x48 } },
          2: { 0: { period: C2, sample: 1, effect: 4, param: 0 } },
        },
      ],
    });
    expect(row(reset, 2)[1]?.period).toBe(C2);
  });
});

describe('createSequencer: volume effects', () => {
  it('slides volume with Axy after tick 0 and clamps to 0..64; Cxx sets it', () => {
    const ticks = play({
      samples: [{ ...looped, volume: 20 }],
      patterns: [
        {
          0: { 0: { period: C2, sample: 1, effect: 0xa, param: 0x04 } },
          1: { 0: { effect: 0xa, param: 0xf0 } },
          2: { 0: { effect: 0xc, param: 0x50 } },
          3: { 0: { effect: 0xc, param: 0x10 } },
        },
      ],
    });
    expect(row(ticks, 0).map((c) => c.volume)).toEqual([20, 16, 12, 8, 4, 0]);
    expect(row(ticks, 1).map((c) => c.volume)).toEqual([0, 15, 30, 45, 60, 64]);
    expect(row(ticks, 2)[0]?.volume).toBe(64);
    expect(row(ticks, 3)[0]?.volume).toBe(16);
  });

  it('fine-slides volume with EAx and EBx once per row', () => {
    const ticks = play({
      samples: [{ ...looped, volume: 32 }],
      patterns: [
        {
          0: { 0: { period: C2, sample: 1, effect: 0xe, param: 0xa5 } },
          1: { 0: { effect: 0xe, param: 0xb9 } },
        },
      ],
    });
    expect(row(ticks, 0).map((c) => c.volume)).toEqual([37, 37, 37, 37, 37, 37]);
    expect(row(ticks, 1).map((c) => c.volume)).toEqual([28, 28, 28, 28, 28, 28]);
  });

  it('tremolos with 7xy after tick 0', () => {
    const ticks = play({
      samples: [{ ...looped, volume: 32 }],
      patterns: [{ 0: { 0: { period: C2, sample: 1, effect: 7, param: 0x48 } } }],
    });
    const sine = [0, 97, 180, 235, 255];
    expect(row(ticks, 0).map((c) => c.volume)).toEqual([
      32,
      ...sine.map((s) => 32 + Math.trunc((s * 8) / 64)),
    ]);
  });

  it('cuts with ECx at tick x', () => {
    const ticks = play({ patterns: [{ 0: { 0: { period: C2, sample: 1, effect: 0xe, param: 0xc2 } } }] });
    expect(row(ticks, 0).map((c) => c.volume)).toEqual([64, 64, 0, 0, 0, 0]);
  });

  it('swaps volume and sample ProTracker-style for a sample number without a note', () => {
    const ticks = play({
      samples: [
        { length: 64, loopStart: 0, loopLength: 64, volume: 64 },
        { length: 64, loopStart: 0, loopLength: 64, volume: 10 },
      ],
      patterns: [{ 0: { 0: { period: C2, sample: 1 } }, 1: { 0: { sample: 2 } } }],
    });
    const [first, second] = row(ticks, 1);
    // The volume and instrument change at once; the sample at its next loop end, without a restart from 0.
    expect(first).toMatchObject({ volume: 10, instrument: 1, sample: 1, trigger: { sample: 1, offset: 0 } });
    expect(second).toMatchObject({ sample: 1 });
    expect(row(ticks, 0).every((c) => c.sample === 0)).toBe(true);
  });
});

describe('createSequencer: retrigger, delay and offset', () => {
  it('retriggers with E9x every x ticks', () => {
    const ticks = play({ patterns: [{ 0: { 0: { period: C2, sample: 1, effect: 0xe, param: 0x92 } } }] });
    expect(row(ticks, 0).map((c) => c.trigger !== undefined)).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
  });

  it('delays a note with EDx to tick x, and drops it when x is past the row', () => {
    const ticks = play({
      patterns: [
        {
          0: { 0: { period: C2, sample: 1, effect: 0xe, param: 0xd3 } },
          1: { 1: { period: C2, sample: 1, effect: 0xe, param: 0xd7 } },
        },
      ],
    });
    expect(row(ticks, 0).map((c) => c.trigger !== undefined)).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(row(ticks, 0).map((c) => c.sample)).toEqual([-1, -1, -1, 0, 0, 0]);
    expect(ticks.every((t) => t.channels[1]?.sample === -1)).toBe(true);
  });

  it('starts at 9xx * 256 and, as ProTracker does, further on for the next note', () => {
    const ticks = play({
      samples: [{ length: 20000, loopStart: 0, loopLength: 20000 }],
      patterns: [
        {
          0: { 0: { period: C2, sample: 1, effect: 9, param: 4 } },
          1: { 0: { period: C2 } },
          2: { 0: { period: C2, sample: 1 } },
          3: { 0: { period: C2, sample: 1, effect: 9, param: 0 } },
        },
      ],
    });
    expect(row(ticks, 0)[0]?.trigger).toEqual({ sample: 0, offset: 1024 });
    expect(row(ticks, 1)[0]?.trigger).toEqual({ sample: 0, offset: 2048 });
    expect(row(ticks, 2)[0]?.trigger).toEqual({ sample: 0, offset: 0 });
    // 900 reuses the last offset.
    expect(row(ticks, 3)[0]?.trigger).toEqual({ sample: 0, offset: 1024 });
  });

  it('silences a one-shot offset past its end, and starts a looped one inside its loop', () => {
    const ticks = play({
      samples: [{ length: 512 }, { length: 512, loopStart: 256, loopLength: 256 }],
      patterns: [
        {
          0: {
            0: { period: C2, sample: 1, effect: 9, param: 4 },
            1: { period: C2, sample: 2, effect: 9, param: 4 },
          },
        },
      ],
    });
    expect(row(ticks, 0).map((c) => c.sample)).toEqual([-1, -1, -1, -1, -1, -1]);
    const looping = row(ticks, 0, 1);
    expect(looping.every((c) => c.sample === 1)).toBe(true);
    expect(looping[0]?.trigger?.offset).toBeGreaterThanOrEqual(256);
    expect(looping[0]?.trigger?.offset).toBeLessThan(512);
  });
});

describe('createSequencer: song flow', () => {
  it('breaks to a decimal row of the next order with Dxy', () => {
    const ticks = play({ patterns: [{ 0: { 0: { effect: 0xd, param: 0x12 } } }, {}] });
    expect(ticks[6]).toMatchObject({ order: 1, row: 12, tick: 0 });
    expect(ticks).toHaveLength(6 + (64 - 12) * 6);
  });

  it('jumps to an order with Bxx', () => {
    const ticks = play({ patterns: [{ 2: { 0: { effect: 0xb, param: 2 } } }, {}, {}] });
    expect(ticks[18]).toMatchObject({ order: 2, row: 0 });
    expect(ticks.some((t) => t.order === 1)).toBe(false);
  });

  it('loops rows with E60 / E6x', () => {
    const ticks = play({
      patterns: [{ 1: { 2: { effect: 0xe, param: 0x60 } }, 3: { 2: { effect: 0xe, param: 0x62 } } }],
    });
    const rows = ticks.filter((t) => t.tick === 0).map((t) => t.row);
    expect(rows.slice(0, 11)).toEqual([0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 4]);
    expect(rows).toHaveLength(64 + 6);
  });

  it('repeats a row x more times with EEx, counting ticks on', () => {
    const ticks = play({ patterns: [{ 0: { 0: { effect: 0xe, param: 0xe2 } } }] });
    expect(row(ticks, 0).map((_, i) => ticks[i]?.tick)).toEqual(Array.from({ length: 18 }, (_, i) => i));
  });

  it('skips a row when a break happens during a pattern delay', () => {
    const ticks = play({
      patterns: [{ 0: { 0: { effect: 0xe, param: 0xe1 }, 1: { effect: 0xd, param: 0x05 } } }, {}],
    });
    expect(ticks[12]).toMatchObject({ order: 1, row: 6 });
  });

  it('ends where the song would loop, and plays on with loop: true', () => {
    const spec: SongSpec = { patterns: [{ 3: { 0: { effect: 0xb, param: 0 } } }] };
    expect(play(spec)).toHaveLength(4 * 6);
    const looping = play(spec, { loop: true }, 100);
    expect(looping).toHaveLength(100);
    expect(looping[24]).toMatchObject({ order: 0, row: 0, tick: 0 });
  });

  it('ends on re-entering a played row by a jump, even with a loop pending', () => {
    const ticks = play({
      patterns: [
        {
          0: { 0: { effect: 0xe, param: 0x60 } },
          3: { 1: { effect: 0xd, param: 0 } },
          5: { 0: { effect: 0xe, param: 0x61 } },
        },
        { 0: { 0: { effect: 0xb, param: 0 }, 1: { effect: 0xd, param: 0x04 } } },
      ],
    });
    const rows = ticks.filter((t) => t.tick === 0).map((t) => `${t.order}:${t.row}`);
    expect(rows).toEqual([
      '0:0',
      '0:1',
      '0:2',
      '0:3',
      '1:0',
      '0:4',
      '0:5',
      '0:0',
      '0:1',
      '0:2',
      '0:3',
      '1:0',
    ]);
  });

  it('restarts at the restart position when looping', () => {
    const looping = play({ patterns: [{}, {}], restartPosition: 1 }, { loop: true }, 64 * 6 * 3);
    expect(looping[64 * 6 * 2]).toMatchObject({ order: 1, row: 0 });
  });

  it('is iterable', () => {
    const seq = createSequencer(buildSong({ patterns: [{ 1: { 0: { effect: 0xb, param: 0 } } }] }));
    expect([...seq]).toHaveLength(12);
    expect(seq.ended).toBe(true);
    expect(seq.next()).toBeNull();
  });
});
