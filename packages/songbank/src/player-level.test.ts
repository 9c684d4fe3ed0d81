// The mix level per channel count, on real worklets: channels beyond four share the
// headroom, so an 8-channel song is as loud as a 4-channel one and never clips.
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { buildSong } from '../test/song-builder.js';
import { loadMod } from './mod-loader.js';
import { tagForChannels, writeMod } from './mod-writer.js';
import { createSongBank } from './song-bank.js';

const RATE = 44_100;

/** Every channel plays the same looped full-volume square wave, in phase: the loudest a song can be. */
async function peakOf(channels: number): Promise<number> {
  const cells = Object.fromEntries(
    Array.from({ length: channels }, (_, c) => [c, { period: 428, sample: 1 }]),
  );
  const built = buildSong({ channels, patterns: [{ 0: cells }] });
  const song = loadMod(writeMod({ ...built, format: { kind: 'protracker', tag: tagForChannels(channels) } }));
  const context = new OfflineAudioContext({ numberOfChannels: 2, length: RATE / 4, sampleRate: RATE });
  const bank = await createSongBank(context, { AudioWorkletNode });
  const buffer = await bank.render(song, { seconds: 0.25 });
  bank.dispose();
  let peak = 0;
  for (let c = 0; c < 2; c++) for (const v of buffer.getChannelData(c)) peak = Math.max(peak, Math.abs(v));
  return peak;
}

describe('mix level per channel count', () => {
  it('plays 6 and 8 channels at the peak of 4, below full scale', async () => {
    const four = await peakOf(4);
    // Two channels a side at 100/128 of full scale, under the default master gain of
    // 0.475 (interpolation overshoots the square's edges a little).
    expect(Math.abs(four - (2 * 100 * 0.475) / 128)).toBeLessThan(0.01);
    expect(await peakOf(6)).toBeCloseTo(four, 2);
    expect(await peakOf(8)).toBeCloseTo(four, 2);
    expect(await peakOf(8)).toBeLessThanOrEqual(1);
  });
});
