// The bundled song must stay a sound, playable module: it is what a new user hears first.
import { describe, expect, it } from 'vitest';
import { defaultSong, defaultSongBytes } from './default-song.js';
import { writeMod } from './mod-writer.js';
import { createSequencer } from './sequencer.js';
import { songProblems } from './song-invariants.js';

const PT_PERIODS = new Set([
  856, 808, 762, 720, 678, 640, 604, 570, 538, 508, 480, 453, 428, 404, 381, 360, 339, 320, 302, 285, 269,
  254, 240, 226, 214, 202, 190, 180, 170, 160, 151, 143, 135, 127, 120, 113,
]);

const cells = () => defaultSong().patterns.flatMap((pattern) => pattern.rows.flat());

describe('defaultSong', () => {
  it('is a sound 4-channel M.K. song that writes back to the same bytes', () => {
    const song = defaultSong();
    expect(songProblems(song)).toEqual([]);
    expect(song.format).toEqual({ kind: 'protracker', tag: 'M.K.' });
    expect(song.channels).toBe(4);
    expect(song.title).toBe('first light');
    expect(writeMod(song)).toEqual(defaultSongBytes());
    expect(String.fromCharCode(...defaultSongBytes().subarray(1080, 1084))).toBe('M.K.');
  });

  it('is the same on every call, and each call is a fresh copy', () => {
    const a = defaultSong();
    const b = defaultSong();
    expect(a).toEqual(b);
    expect(a.samples[0]!.data).not.toBe(b.samples[0]!.data);
    expect(defaultSongBytes()).toEqual(defaultSongBytes());
  });

  it('plays eight instruments, every one of them', () => {
    const song = defaultSong();
    const used = new Set(cells().map((cell) => cell.sample));
    used.delete(0);
    expect([...used].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const n of used) expect(song.samples[n - 1]!.data.length).toBeGreaterThan(0);
    expect(song.samples.slice(8).every((sample) => sample.data.length === 0)).toBe(true);
  });

  it('writes notes only on ProTracker periods', () => {
    for (const cell of cells()) if (cell.period !== 0) expect(PT_PERIODS.has(cell.period)).toBe(true);
  });

  it('lasts 40 seconds: five straight 64-row patterns at speed 6, 120 BPM', () => {
    const song = defaultSong();
    const all = cells();
    // No jumps, breaks, loops or delays: the play order is exactly the order list.
    expect(all.some((c) => c.effect === 0xb || c.effect === 0xd)).toBe(false);
    expect(all.some((c) => c.effect === 0xe && (c.param >> 4 === 0x6 || c.param >> 4 === 0xe))).toBe(false);
    const speeds = all.filter((c) => c.effect === 0xf).map((c) => c.param);
    expect(speeds).toEqual([0x78, 0x06]);
    expect(song.patterns[0]!.rows[0]!.filter((c) => c.effect === 0xf)).toHaveLength(2);
    let seconds = 0;
    let ticks = 0;
    for (const tick of createSequencer(song)) {
      seconds += tick.duration;
      ticks++;
    }
    expect(ticks).toBe(5 * 64 * 6);
    expect(seconds).toBeCloseTo(40, 9);
  });

  it('sounds on every instrument when the sequencer plays it', () => {
    const sounding = new Set<number>();
    for (const tick of createSequencer(defaultSong())) {
      for (const channel of tick.channels)
        if (channel.sample >= 0 && channel.volume > 0) sounding.add(channel.sample);
    }
    expect([...sounding].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('uses speed, volume, slides, arpeggio, portamento, vibrato and note cut', () => {
    const all = cells();
    const has = (effect: number, high?: number) =>
      all.some((c) => c.effect === effect && c.param !== 0 && (high === undefined || c.param >> 4 === high));
    expect(has(0xf)).toBe(true);
    expect(has(0xc)).toBe(true);
    expect(has(0xa)).toBe(true);
    expect(has(0x0)).toBe(true);
    expect(has(0x3)).toBe(true);
    expect(has(0x4)).toBe(true);
    expect(has(0xe, 0xc)).toBe(true);
    expect(has(0xe, 0xb)).toBe(true);
  });

  it('keeps the song in a small file', () => {
    expect(defaultSongBytes().length).toBeLessThan(64 * 1024);
  });
});
