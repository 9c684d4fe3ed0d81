// The song bank end to end on real worklets and WASM: the default song and fixtures
// render with sound from every instrument, the declick option, and the bank's lifecycle.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { fixturesDir, haveFixtures } from '../../../test-support/fixtures.js';
import { energy } from '../test/signal.js';
import { defaultSong, defaultSongBytes } from './default-song.js';
import { SongLoadError } from './errors.js';
import { loadMod } from './mod-loader.js';
import { createSequencer } from './sequencer.js';
import type { Song } from './song.js';
import { createSongBank, type SongBankOptions } from './song-bank.js';
import { SongBankError } from './song-bank-error.js';
import { songInstruments } from './song-instruments.js';

const RATE = 44_100;

function offline(seconds: number, channels = 2): OfflineAudioContext {
  return new OfflineAudioContext({
    numberOfChannels: channels,
    length: Math.ceil(seconds * RATE),
    sampleRate: RATE,
  });
}

/** Seconds until every sample the song plays has been triggered at least once, plus one. */
function untilEveryInstrumentPlayed(song: Song): number {
  const first = new Map<number, number>();
  const sequencer = createSequencer(song);
  for (let tick = sequencer.next(); tick !== null; tick = sequencer.next()) {
    for (const channel of tick.channels) {
      if (channel.trigger !== undefined && !first.has(channel.trigger.sample)) {
        first.set(channel.trigger.sample, tick.time);
      }
    }
  }
  return Math.max(...first.values()) + 1;
}

/** Renders `seconds` of `song` and returns the stereo mix. */
async function renderMix(song: Song, seconds: number, options: SongBankOptions): Promise<Float32Array[]> {
  const context = offline(seconds);
  const bank = await createSongBank(context, { AudioWorkletNode, ...options });
  const buffer = await bank.render(song, { seconds });
  bank.dispose();
  return [buffer.getChannelData(0).slice(), buffer.getChannelData(1).slice()];
}

/**
 * Renders `song` with every instrument's own output routed to its own channel (mono),
 * so each instrument's energy can be read from one render.
 */
async function renderPerInstrument(
  song: Song,
  seconds: number,
  options: SongBankOptions,
): Promise<Map<string, number>> {
  const ids = songInstruments(song).map((instrument) => instrument.id);
  const context = offline(seconds, ids.length);
  const silent = context.createGain();
  silent.gain.value = 0;
  silent.connect(context.destination);
  const bank = await createSongBank(context, { AudioWorkletNode, ...options, destination: silent });
  await bank.prepareSong(song);
  // Discrete channels: one instrument per channel, no speaker up- or down-mixing.
  const merger = context.createChannelMerger(ids.length);
  merger.channelInterpretation = 'discrete';
  context.destination.channelInterpretation = 'discrete';
  merger.connect(context.destination);
  for (const [index, id] of ids.entries()) bank.instrument(id)?.output.connect(merger, 0, index);
  const buffer = await bank.render(song, { seconds });
  bank.dispose();
  return new Map(ids.map((id, index) => [id, energy(buffer.getChannelData(index))]));
}

describe('SongBank with the default song', () => {
  const song = defaultSong();

  it('places 8 instruments x 4 voices on 2 worklets with fixed blocks', async () => {
    const context = offline(0.05);
    const bank = await createSongBank(context, { AudioWorkletNode, strategy: 'fixed-blocks' });
    await bank.prepareSong(song);
    const stats = bank.getStats();
    expect(stats).toMatchObject({
      mode: 'pooled',
      strategy: 'fixed-blocks',
      workletCount: 2,
      totalVoices: 32,
      allocatedVoices: 32,
      freeVoices: 0,
      nodesCreated: 2,
    });
    expect(stats.instruments).toHaveLength(8);
    await context.startRendering();
    bank.dispose();
  });

  it('gives each instrument its own worklet with pooling off', async () => {
    const context = offline(0.05);
    const bank = await createSongBank(context, { AudioWorkletNode, pooling: false });
    await bank.prepareSong(song);
    expect(bank.getStats()).toMatchObject({ mode: 'dedicated', workletCount: 8, nodesCreated: 8 });
    await context.startRendering();
    bank.dispose();
  });

  it('every instrument that plays produces sound in the render', async () => {
    const energies = await renderPerInstrument(song, untilEveryInstrumentPlayed(song), {});
    expect(energies.size).toBe(8);
    for (const [id, value] of energies) expect(value, `instrument ${id}`).toBeGreaterThan(1e-4);
  });

  it('sounds the same pooled, dedicated, pooled with shared outputs and simplified (null test)', async () => {
    const seconds = 6;
    const pooled = await renderMix(song, seconds, { pooling: true });
    const dedicated = await renderMix(song, seconds, { pooling: false });
    const shared = await renderMix(song, seconds, { outputs: 'shared', voicesPerWorklet: 64 });
    const simplified = await renderMix(song, seconds, { simplifiedMod: true });
    const total = energy(pooled[0]!) + energy(pooled[1]!);
    expect(total).toBeGreaterThan(1);
    for (const [name, other] of [
      ['dedicated', dedicated],
      ['shared outputs on one 64-voice worklet', shared],
    ] as const) {
      for (let channel = 0; channel < 2; channel++) {
        let maxDiff = 0;
        const a = pooled[channel]!;
        const b = other[channel]!;
        for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        expect(maxDiff, `pooled vs ${name}, channel ${channel}`).toBeLessThan(1e-6);
      }
    }
    // AudioBufferSourceNode resamples with its own interpolation, so the simplified path
    // matches to within a small residual rather than bit for bit.
    let residual = 0;
    for (let channel = 0; channel < 2; channel++) {
      const a = pooled[channel]!;
      const c = simplified[channel]!;
      for (let i = 0; i < a.length; i++) residual += (a[i]! - c[i]!) ** 2;
    }
    expect(residual / total, 'simplified residual energy ratio').toBeLessThan(0.01);
  });
});

describe('SongBank declick option', () => {
  const song = defaultSong();

  it('reaches the worklets: with declick off the render differs only where notes are cut or change volume', async () => {
    const seconds = 2;
    const ramped = await renderMix(song, seconds, {});
    const exact = await renderMix(song, seconds, { declick: false });
    const exactDedicated = await renderMix(song, seconds, { declick: false, pooling: false });
    let differing = 0;
    let diffEnergy = 0;
    let total = 0;
    let pooledVsDedicated = 0;
    for (let channel = 0; channel < 2; channel++) {
      const a = ramped[channel]!;
      const b = exact[channel]!;
      const c = exactDedicated[channel]!;
      for (let i = 0; i < a.length; i++) {
        const d = a[i]! - b[i]!;
        if (Math.abs(d) > 1e-6) differing++;
        diffEnergy += d * d;
        total += b[i]! * b[i]!;
        pooledVsDedicated = Math.max(pooledVsDedicated, Math.abs(b[i]! - c[i]!));
      }
    }
    // Some frames change (the option arrived), few of them, and by little: the ramps are 1 ms.
    expect(differing).toBeGreaterThan(0);
    expect(differing / (2 * ramped[0]!.length)).toBeLessThan(0.2);
    expect(diffEnergy / total).toBeLessThan(0.01);
    // Isolation holds without ramps too.
    expect(pooledVsDedicated).toBeLessThan(1e-6);
  });
});

describe('SongBank lifecycle', () => {
  it('keeps worklets across resetForNewSong and refuses a stale ensureInstrument', async () => {
    const song = defaultSong();
    const context = offline(0.05);
    const bank = await createSongBank(context, { AudioWorkletNode });
    await bank.prepareSong(song);
    const [first] = songInstruments(song);
    bank.resetForNewSong();
    expect(bank.getStats()).toMatchObject({ workletCount: 2, allocatedVoices: 0 });
    const stale = bank.ensureInstrument('stale', first!.patch, { voices: 4 });
    bank.resetForNewSong();
    await expect(stale).rejects.toMatchObject({ code: 'STALE_REQUEST' });
    expect(bank.instrument('stale')).toBeUndefined();
    await bank.prepareSong(song);
    expect(bank.getStats()).toMatchObject({ workletCount: 2, nodesCreated: 2, allocatedVoices: 32 });
    await context.startRendering();
    bank.dispose();
    await expect(bank.prepareSong(song)).rejects.toBeInstanceOf(SongBankError);
  });

  it('the latest ensureInstrument wins, even when it asks for what is already installed', async () => {
    const context = offline(0.05);
    const bank = await createSongBank(context, { AudioWorkletNode });
    const [first, second] = songInstruments(defaultSong());
    const installed = await bank.ensureInstrument('x', first!.patch, { voices: 4 });
    // A different patch starts loading, then the caller asks for the installed one again.
    const older = bank.ensureInstrument('x', second!.patch, { voices: 4 });
    await expect(bank.ensureInstrument('x', first!.patch, { voices: 4 })).resolves.toBe(installed);
    await expect(older).rejects.toMatchObject({ code: 'STALE_REQUEST' });
    expect(bank.instrument('x')).toBe(installed);
    // Same patch, other voice count: a new request, not the one in flight.
    const four = bank.ensureInstrument('x', second!.patch, { voices: 4 });
    const eight = bank.ensureInstrument('x', second!.patch, { voices: 8 });
    await expect(four).rejects.toMatchObject({ code: 'STALE_REQUEST' });
    expect((await eight).voices).toBe(8);
    expect(bank.getStats()).toMatchObject({ allocatedVoices: 8 });
    await context.startRendering();
    bank.dispose();
  });

  it('a bad file rejects with SongLoadError and keeps the loaded instruments', async () => {
    const context = offline(0.05);
    const bank = await createSongBank(context, { AudioWorkletNode });
    const song = await bank.loadSong(defaultSongBytes());
    await bank.prepareSong(song);
    await expect(bank.loadSong(new Uint8Array(100))).rejects.toBeInstanceOf(SongLoadError);
    expect(bank.getStats().instruments).toHaveLength(8);
    await context.startRendering();
    bank.dispose();
  });
});

describe.runIf(haveFixtures())('SongBank with real MOD files', () => {
  it('renders peacedroid.mod with every playing instrument audible', async () => {
    const song = loadMod(new Uint8Array(readFileSync(join(fixturesDir, 'songs/peacedroid.mod'))));
    const energies = await renderPerInstrument(song, untilEveryInstrumentPlayed(song), {});
    const silent = [...energies].filter(([, value]) => !(value > 0));
    expect(silent.map(([id]) => id)).toEqual([]);
  });
});

describe('SongBank edge cases', () => {
  it('plays a song with more channels than an instrument has voices', async () => {
    // An 8-channel song on 4-voice worklets: channels share voices, nothing is refused.
    const eight: Song = { ...defaultSong(), channels: 8, patterns: defaultSong().patterns.map(widen) };
    const [left] = await renderMix(eight, 2, { voicesPerWorklet: 4 });
    expect(energy(left!)).toBeGreaterThan(0.1);
  });

  it('reports per-worklet render figures on request', async () => {
    const context = offline(0.5);
    const bank = await createSongBank(context, { AudioWorkletNode });
    await bank.prepareSong(defaultSong());
    expect(bank.getStats().render).toEqual([]);
    // The processors answer from the audio thread, so ask while the context renders.
    const reported = bank.report();
    await context.startRendering();
    const stats = await reported;
    expect(stats.render).toHaveLength(2);
    for (const worklet of stats.render) expect(worklet.memoryBytes).toBeGreaterThan(0);
    bank.dispose();
  });
});

/** The same pattern with four more channels that copy the first four. */
function widen(pattern: Song['patterns'][number]): Song['patterns'][number] {
  return { rows: pattern.rows.map((row) => [...row, ...row]) };
}
