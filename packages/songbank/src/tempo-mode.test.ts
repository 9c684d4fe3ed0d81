// The CIA/VBlank decision: songs written with the project's own MOD writer, read back by
// the loader, so the rule is tested on real MOD bytes.
import { describe, expect, it } from 'vitest';
import { buildSong } from '../test/song-builder.js';
import { SequencerError } from './errors.js';
import { loadMod } from './mod-loader.js';
import { writeMod } from './mod-writer.js';
import { songDuration } from './player.js';
import { createSequencer, songTempoMode } from './sequencer.js';
import type { Song } from './song.js';
import { traceSong } from './trace.js';

/**
 * A NoiseTracker-style song: F20 on row 0 means "32 ticks a row" there, and F06 on row 1
 * sets the speed for the rest of the pattern. With CIA timing the F20 is a tempo of 32 BPM
 * instead, so every row lasts 6 ticks of 78 ms: 30 s a pattern against 8.2 s.
 */
function noiseTrackerSong(orders: number, extra: Record<number, Record<number, object>> = {}): Song {
  const song = buildSong({
    patterns: [
      {
        0: { 0: { period: 428, sample: 1 }, 1: { effect: 0xf, param: 0x20 } },
        1: { 1: { effect: 0xf, param: 0x06 } },
        ...extra,
      },
    ],
    orders: Array.from({ length: orders }, () => 0),
  });
  return loadMod(writeMod(song));
}

// One pattern, in each mode (seconds).
const CIA_PATTERN = 64 * 6 * (2.5 / 32);
const VBLANK_PATTERN = 32 * 0.02 + 63 * 6 * 0.02;

describe('songTempoMode', () => {
  it('plays a song whose CIA pass reaches 8 minutes with VBlank timing when that is shorter', () => {
    const song = noiseTrackerSong(17);
    expect(17 * CIA_PATTERN).toBeGreaterThanOrEqual(480);
    expect(songDuration(song, { tempoMode: 'cia' })).toBeCloseTo(17 * CIA_PATTERN, 6);
    expect(songDuration(song, { tempoMode: 'vblank' })).toBeCloseTo(17 * VBLANK_PATTERN, 6);
    expect(songTempoMode(song)).toBe('vblank');
    expect(songDuration(song)).toBeCloseTo(17 * VBLANK_PATTERN, 6);
    expect(createSequencer(song).tempoMode).toBe('vblank');
  });

  it('keeps CIA timing for a song under 8 minutes, even where VBlank would be shorter', () => {
    const song = noiseTrackerSong(15);
    expect(15 * CIA_PATTERN).toBeLessThan(480);
    expect(songTempoMode(song)).toBe('cia');
    expect(songDuration(song)).toBeCloseTo(15 * CIA_PATTERN, 6);
  });

  it('keeps CIA timing for a long song that VBlank timing would make longer still', () => {
    // F20 alone: CIA plays 6 ticks of 78 ms a row (0.47 s), VBlank 32 ticks of 20 ms (0.64 s).
    const song = loadMod(
      writeMod(
        buildSong({
          patterns: [{ 0: { 0: { period: 428, sample: 1, effect: 0xf, param: 0x20 } } }],
          orders: Array.from({ length: 20 }, () => 0),
        }),
      ),
    );
    expect(songDuration(song, { tempoMode: 'cia' })).toBeGreaterThanOrEqual(480);
    expect(songDuration(song, { tempoMode: 'vblank' })).toBeGreaterThan(
      songDuration(song, { tempoMode: 'cia' }),
    );
    expect(songTempoMode(song)).toBe('cia');
  });

  it('keeps CIA timing when a row sets both a speed and a tempo', () => {
    // The same long song, with one row holding F06 and F20 together: only CIA trackers write that.
    const song = noiseTrackerSong(17, {
      63: { 2: { effect: 0xf, param: 0x06 }, 3: { effect: 0xf, param: 0x20 } },
    });
    expect(songDuration(song, { tempoMode: 'cia' })).toBeGreaterThanOrEqual(480);
    expect(songTempoMode(song)).toBe('cia');
  });

  it('reads Fxx >= 0x20 as the speed in VBlank mode and as the tempo in CIA mode', () => {
    const song = noiseTrackerSong(1);
    const first = (mode: 'cia' | 'vblank') => {
      const tick = createSequencer(song, { tempoMode: mode }).next();
      return { speed: tick?.speed, tempo: tick?.tempo };
    };
    expect(first('cia')).toEqual({ speed: 6, tempo: 32 });
    expect(first('vblank')).toEqual({ speed: 32, tempo: 125 });
  });

  it('times the trace with the decided mode, and a forced mode overrides it', () => {
    const song = noiseTrackerSong(17);
    const lastTime = (trace: string) => Number(trace.trimEnd().split('\n').at(-1)?.split(' ')[0]);
    const decided = traceSong(song);
    expect(decided).toBe(traceSong(song, { tempoMode: 'vblank' }));
    expect(lastTime(decided)).toBeLessThan(17 * VBLANK_PATTERN * 1000 + 1);
    expect(lastTime(traceSong(song, { tempoMode: 'cia' }))).toBeGreaterThan(480_000);
  });

  it('plays Soundtracker modules with VBlank timing', () => {
    const song = noiseTrackerSong(1);
    const soundtracker: Song = {
      ...song,
      format: { kind: 'soundtracker' },
      samples: song.samples.slice(0, 15),
    };
    expect(songTempoMode(soundtracker)).toBe('vblank');
  });

  it('refuses an unknown tempo mode with a typed error', () => {
    const song = noiseTrackerSong(1);
    const bad = { tempoMode: 'pal' } as unknown as { tempoMode: 'cia' };
    expect(() => createSequencer(song, bad)).toThrow(SequencerError);
    expect(() => songDuration(song, bad)).toThrow(/tempoMode must be 'auto', 'cia' or 'vblank', got pal/);
    expect(() => traceSong(song, bad)).toThrow(SequencerError);
  });
});
