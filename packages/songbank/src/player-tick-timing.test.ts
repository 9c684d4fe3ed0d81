// The bank times every tick in whole frames at the context's rate (2.5 / tempo seconds,
// truncated), as libopenmpt and libxmp mix, so songs at tempos whose tick is not a whole
// number of frames keep their pace instead of drifting half a frame a tick.
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { buildSong } from '../test/song-builder.js';
import { SequencerError } from './errors.js';
import { loadMod } from './mod-loader.js';
import { writeMod } from './mod-writer.js';
import { songDuration } from './player.js';
import { createSongBank } from './song-bank.js';

/** 128 BPM, one tick a row; short one-shot notes on rows 0 and 40 of one 64-row pattern. */
const song = loadMod(
  writeMod(
    buildSong({
      samples: [{ length: 1000 }],
      patterns: [
        {
          0: {
            0: { period: 428, sample: 1 },
            1: { effect: 0xf, param: 0x01 },
            2: { effect: 0xf, param: 0x80 },
          },
          40: { 0: { period: 428, sample: 1 } },
        },
      ],
      orders: [0],
    }),
  ),
);

/** The frame at which the note of row 40 starts in a render at `rate`. */
async function secondOnset(rate: number): Promise<number> {
  const context = new OfflineAudioContext({ numberOfChannels: 2, length: rate, sampleRate: rate });
  const bank = await createSongBank(context, { AudioWorkletNode });
  const buffer = await bank.render(song, { seconds: 1 });
  bank.dispose();
  const left = buffer.getChannelData(0);
  // The first note (1000 frames at 8287 Hz) is over by 0.13 s.
  for (let i = Math.round(0.3 * rate); i < left.length; i++) {
    if (Math.abs(left[i] ?? 0) > 1e-4) return i;
  }
  return Number.NaN;
}

describe('tick timing', () => {
  it('plays every tick in whole frames of the context rate', async () => {
    // A tick at 128 BPM is 937.5 frames at 48 kHz and 861.3 at 44.1 kHz.
    expect(Math.abs((await secondOnset(48_000)) - 40 * 937)).toBeLessThanOrEqual(1);
    expect(Math.abs((await secondOnset(44_100)) - 40 * 861)).toBeLessThanOrEqual(1);
  });

  it('songDuration counts whole frames at a given rate, exact seconds without one', () => {
    expect(songDuration(song)).toBeCloseTo((64 * 2.5) / 128, 9);
    expect(songDuration(song, { sampleRate: 48_000 })).toBeCloseTo((64 * 937) / 48_000, 9);
    expect(songDuration(song, { sampleRate: 44_100 })).toBeCloseTo((64 * 861) / 44_100, 9);
  });

  it('refuses a sample rate that is not a number of Hz', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '48000' as unknown as number]) {
      expect(() => songDuration(song, { sampleRate: bad })).toThrow(SequencerError);
      expect(() => songDuration(song, { sampleRate: bad })).toThrow(/sampleRate must be a number of Hz/);
    }
  });
});
