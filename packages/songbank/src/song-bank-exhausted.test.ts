// maxWorklets reached: the caller gets POOL_EXHAUSTED with the numbers and the loaded
// instruments keep playing; or, opted in, the bank degrades and says so in its stats.
import { PoolError } from '@workletpool/pool-core';
import type { Instrument, InstrumentPatch } from '@workletpool/worklet-runtime';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { energy } from '../test/signal.js';
import { createSongBank, type SongBankOptions } from './song-bank.js';

const RATE = 44_100;
const SECONDS = 0.2;

const sampler: InstrumentPatch = {
  kind: 'sampler',
  data: Int8Array.from({ length: 800 }, (_, i) => Math.round(Math.sin(i / 6) * 100)),
  loopStart: 0,
  loopLength: 800,
};
const synth: InstrumentPatch = {
  kind: 'synth',
  waveform: 'square',
  attack: 0,
  decay: 0,
  sustain: 1,
  release: 0,
  cutoff: 6000,
  resonance: 0,
};

/** A bank with one 8-voice worklet at most, on a context with one channel per instrument. */
async function fullBank(options: SongBankOptions, channels: number) {
  const context = new OfflineAudioContext({
    numberOfChannels: channels,
    length: Math.ceil(SECONDS * RATE),
    sampleRate: RATE,
  });
  const silent = context.createGain();
  silent.gain.value = 0;
  silent.connect(context.destination);
  const bank = await createSongBank(context as unknown as BaseAudioContext, {
    AudioWorkletNode,
    strategy: 'best-fit',
    voicesPerWorklet: 8,
    maxWorklets: 1,
    destination: silent,
    ...options,
  });
  const merger = context.createChannelMerger(channels);
  merger.channelInterpretation = 'discrete';
  context.destination.channelInterpretation = 'discrete';
  merger.connect(context.destination);
  /** Plays each instrument on its own channel and returns each channel's energy. */
  const render = async (instruments: Instrument[]): Promise<number[]> => {
    for (const [index, instrument] of instruments.entries()) {
      instrument.output.connect(merger, 0, index);
      instrument.noteOn({ time: 0, frequency: 330 + 110 * index });
    }
    await Promise.all(instruments.map((i) => i.flush()));
    const buffer = await context.startRendering();
    return instruments.map((_, index) => energy(buffer.getChannelData(index)));
  };
  return { bank, render };
}

describe('SongBank when maxWorklets is reached', () => {
  it("'fail' (default): ensureInstrument rejects with POOL_EXHAUSTED naming the numbers; the loaded instruments keep playing", async () => {
    const { bank, render } = await fullBank({}, 2);
    const a = await bank.ensureInstrument('a', sampler, { voices: 4 });
    const b = await bank.ensureInstrument('b', synth, { voices: 4 });
    const before = bank.getStats();
    const refused = bank.ensureInstrument('c', sampler, { voices: 2 });
    await expect(refused).rejects.toBeInstanceOf(PoolError);
    await expect(refused).rejects.toMatchObject({
      code: 'POOL_EXHAUSTED',
      message: expect.stringMatching(
        /allocate\('c', 2\).*2 voices in 1 worklets \(0 voices free\).*maxWorklets/,
      ),
    });
    expect(bank.instrument('c')).toBeUndefined();
    expect(bank.getStats()).toEqual(before);
    expect(before.degraded).toEqual([]);
    const energies = await render([a, b]);
    for (const e of energies) expect(e).toBeGreaterThan(1);
    bank.dispose();
  });

  it("'fewer-voices': the instrument gets the voices that still fit, and stats say so", async () => {
    const { bank, render } = await fullBank({ onExhausted: 'fewer-voices' }, 3);
    const a = await bank.ensureInstrument('a', sampler, { voices: 4 });
    const b = await bank.ensureInstrument('b', synth, { voices: 3 });
    const c = await bank.ensureInstrument('c', sampler, { voices: 4 });
    expect(c.voices).toBe(1);
    const stats = bank.getStats();
    expect(stats.degraded).toEqual([{ id: 'c', reason: 'fewer-voices', voices: 1, requested: 4 }]);
    expect(stats).toMatchObject({ workletCount: 1, nodesCreated: 1, allocatedVoices: 8, freeVoices: 0 });
    // Asking again for the same thing keeps the degraded instrument instead of rebuilding it.
    expect(await bank.ensureInstrument('c', sampler, { voices: 4 })).toBe(c);
    // Nothing at all left: the pool's error stands.
    await expect(bank.ensureInstrument('d', sampler, { voices: 1 })).rejects.toMatchObject({
      code: 'POOL_EXHAUSTED',
    });
    const energies = await render([a, b, c]);
    for (const e of energies) expect(e).toBeGreaterThan(1);
    bank.teardownInstrument('c');
    expect(bank.getStats().degraded).toEqual([]);
    bank.dispose();
  });

  it("'simplified': a sampler plays without a worklet; a synth, which needs one, still fails", async () => {
    const { bank, render } = await fullBank({ onExhausted: 'simplified' }, 3);
    const a = await bank.ensureInstrument('a', sampler, { voices: 4 });
    const b = await bank.ensureInstrument('b', synth, { voices: 4 });
    const c = await bank.ensureInstrument('c', sampler, { voices: 4 });
    await expect(bank.ensureInstrument('d', synth, { voices: 2 })).rejects.toMatchObject({
      code: 'POOL_EXHAUSTED',
    });
    const stats = bank.getStats();
    expect(stats.degraded).toEqual([{ id: 'c', reason: 'simplified', voices: 4, requested: 4 }]);
    expect(stats.instruments.find((i) => i.id === 'c')?.worklet).toBeUndefined();
    expect(stats).toMatchObject({ workletCount: 1, nodesCreated: 1 });
    const energies = await render([a, b, c]);
    for (const e of energies) expect(e).toBeGreaterThan(1);
    bank.dispose();
  });

  it('refuses an unknown policy', async () => {
    const context = new OfflineAudioContext({ numberOfChannels: 1, length: 128, sampleRate: RATE });
    await expect(
      createSongBank(context as unknown as BaseAudioContext, {
        AudioWorkletNode,
        onExhausted: 'shrug' as 'fail',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await context.startRendering();
  });
});
