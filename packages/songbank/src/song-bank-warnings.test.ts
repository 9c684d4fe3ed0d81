// Degraded playback is announced: a song with more channels than an instrument has
// voices, and instruments the onExhausted policy shrank or moved off the worklets, show
// up in getStats().warnings and reach onWarning once each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstrumentPatch } from '@workletpool/worklet-runtime';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { fixturesDir, haveFixtures } from '../../../test-support/fixtures.js';
import { defaultSong } from './default-song.js';
import { loadMod } from './mod-loader.js';
import { createSongBank, type SongBankOptions } from './song-bank.js';
import type { SongBankWarning } from './song-bank-warning.js';

const RATE = 22_050;

async function bankWith(options: SongBankOptions, seconds = 0.01) {
  const context = new OfflineAudioContext({
    numberOfChannels: 2,
    length: Math.round(seconds * RATE),
    sampleRate: RATE,
  });
  const heard: SongBankWarning[] = [];
  const bank = await createSongBank(context as unknown as BaseAudioContext, {
    AudioWorkletNode,
    onWarning: (warning) => heard.push(warning),
    ...options,
  });
  return { context, bank, heard };
}

const sampler: InstrumentPatch = {
  kind: 'sampler',
  data: Int8Array.from({ length: 400 }, (_, i) => Math.round(Math.sin(i / 5) * 100)),
  loopStart: 0,
  loopLength: 400,
};

describe('warnings of degraded playback', () => {
  it('an 8-channel song on 4-voice worklets warns once, in the stats and through onWarning, until the next song', async () => {
    haveFixtures();
    const song = loadMod(new Uint8Array(readFileSync(join(fixturesDir, 'songs/Gidion_Graveland.mod'))));
    expect(song.channels).toBe(8);
    const { context, bank, heard } = await bankWith({ voicesPerWorklet: 4 }, 0.2);
    const buffer = await bank.render(song);
    expect(buffer.length).toBe(Math.round(0.2 * RATE));
    const expected = {
      code: 'CHANNELS_SHARE_VOICES',
      message:
        'the song has 8 channels but a worklet holds 4 voices (voicesPerWorklet): each instrument gets 4, so channels 5-8 share voices with channels 1-4 and can cut their notes short',
    };
    expect(heard).toEqual([expected]);
    expect(bank.getStats().warnings).toEqual([expected]);
    expect(bank.getStats().instruments.every((instrument) => instrument.voices === 4)).toBe(true);
    bank.resetForNewSong();
    expect(bank.getStats().warnings).toEqual([]);
    bank.dispose();
    expect(context.state).toBe('closed');
  });

  it('a song that fits warns of nothing', async () => {
    const { context, bank, heard } = await bankWith({});
    await bank.prepareSong(defaultSong());
    expect(bank.getStats().warnings).toEqual([]);
    expect(heard).toEqual([]);
    bank.dispose();
    await context.startRendering();
  });

  it.each([
    [
      'fewer-voices',
      {
        code: 'FEWER_VOICES',
        instrument: 'b',
        message: "instrument 'b' got 2 of the 4 voices it asked for: the pool is full (maxWorklets 1)",
      },
    ],
    [
      'simplified',
      {
        code: 'SIMPLIFIED',
        instrument: 'b',
        message:
          "instrument 'b' plays without a worklet (AudioBufferSourceNodes): the pool is full (maxWorklets 1)",
      },
    ],
  ] as const)('onExhausted %s warns for the degraded instrument while it lives', async (policy, expected) => {
    const { context, bank, heard } = await bankWith({
      voicesPerWorklet: 6,
      maxWorklets: 1,
      strategy: 'best-fit',
      onExhausted: policy,
    });
    await bank.ensureInstrument('a', sampler, { voices: 4 });
    await bank.ensureInstrument('b', sampler, { voices: 4 });
    expect(heard).toEqual([expected]);
    expect(bank.getStats().warnings).toEqual([expected]);
    // Asking again for what is installed changes nothing and says nothing new.
    await bank.ensureInstrument('b', sampler, { voices: 4 });
    expect(heard).toHaveLength(1);
    bank.teardownInstrument('b');
    expect(bank.getStats().warnings).toEqual([]);
    bank.dispose();
    await context.startRendering();
  });
});
