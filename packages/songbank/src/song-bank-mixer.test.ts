// A song's instruments in a bank with its default (shared) outputs: they mute, solo and
// meter through the engine's mixer, on a running node-web-audio-api context with real
// worklets.

import type { Instrument, InstrumentMeter } from '@workletpool/worklet-runtime';
import { AudioContext, AudioWorkletNode } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { buildSong } from '../test/song-builder.js';
import { createSongBank } from './song-bank.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loud = (m: InstrumentMeter) => Math.max(m.peak[0], m.peak[1]) > 0.05;
const silent = (m: InstrumentMeter) => m.peak[0] === 0 && m.peak[1] === 0;

/** Polls an instrument's meter until `done` holds of it (a loaded machine's audio thread may lag). */
async function until(what: string, inst: Instrument, done: (m: InstrumentMeter) => boolean): Promise<void> {
  const end = Date.now() + 20_000;
  let last = await inst.meter();
  while (!done(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}, last ${JSON.stringify(last)}`);
    await sleep(15);
    last = await inst.meter();
  }
}

describe('a song through the bank, with shared outputs by default', () => {
  it('mutes, solos and meters the song’s instruments', async () => {
    const options: AudioContextOptions & { sinkId: { type: 'none' } } = {
      sinkId: { type: 'none' },
      sampleRate: 44_100,
    };
    const context = new AudioContext(options);
    try {
      // Two looped instruments on two channels, held for the whole pattern, looped.
      const song = buildSong({
        channels: 4,
        samples: [
          { length: 2000, loopStart: 0, loopLength: 2000 },
          { length: 2000, loopStart: 0, loopLength: 2000 },
        ],
        patterns: [{ 0: { 0: { period: 428, sample: 1 }, 1: { period: 428, sample: 2 } } }],
      });
      const bank = await createSongBank(context as unknown as BaseAudioContext, { AudioWorkletNode });
      const player = bank.play(song, { loop: true });
      const end = Date.now() + 20_000;
      while ((!bank.instrument('01') || !bank.instrument('02')) && Date.now() < end) await sleep(10);
      const one = bank.instrument('01') as Instrument;
      const two = bank.instrument('02') as Instrument;
      // One mix bus: the pool's default is one stereo output per worklet.
      expect(one.output).toBe(two.output);
      await until('01 sounding', one, loud);
      await until('02 sounding', two, loud);
      one.setMute(true);
      await until('01 muted', one, silent);
      expect(loud(await two.meter())).toBe(true);
      one.setMute(false);
      two.setSolo(true);
      await until('01 muted by 02’s solo', one, silent);
      await until('01 silent, 02 sounding', two, loud);
      two.setSolo(false);
      await until('01 back', one, loud);
      player.stop();
      bank.dispose();
    } finally {
      await context.close();
    }
  });
});
