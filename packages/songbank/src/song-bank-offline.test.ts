// A bank over an OfflineAudioContext: that context renders once, so the bank renders it
// once and says so clearly after; play() schedules the whole song before the caller
// renders, so the song starts exactly at the frame asked for, every time.
import { AudioContext, AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { failure, settles } from '../../../test-support/settles.js';
import { defaultSong } from './default-song.js';
import { createSongBank, type OfflineAudioContextConstructor, type SongBankOptions } from './song-bank.js';

const RATE = 22_050;

function offline(seconds: number): OfflineAudioContext {
  return new OfflineAudioContext({
    numberOfChannels: 2,
    length: Math.round(seconds * RATE),
    sampleRate: RATE,
  });
}

function firstSound(data: Float32Array): number {
  return data.findIndex((x) => Math.abs(x) > 1e-4);
}

async function bankOn(context: OfflineAudioContext, options: SongBankOptions = {}) {
  return createSongBank(context as unknown as BaseAudioContext, { AudioWorkletNode, ...options });
}

describe('render() on an OfflineAudioContext bank', () => {
  it('a second render while one is under way, and after it, is refused with INVALID_STATE; report() still resolves', async () => {
    const context = offline(0.5);
    const bank = await bankOn(context);
    const song = defaultSong();
    const first = bank.render(song);
    expect(await failure('render() during render()', bank.render(song))).toMatchObject({
      name: 'SongBankError',
      code: 'INVALID_STATE',
      message: 'render(): a render is already under way on this OfflineAudioContext',
    });
    const rendered = await settles('the first render()', first);
    expect(rendered.ok).toBe(true);
    expect(await failure('render() after render()', bank.render(song))).toMatchObject({
      code: 'INVALID_STATE',
      message: expect.stringContaining('has finished rendering (an OfflineAudioContext renders once)'),
    });
    // The audio thread answers nothing now: the figures are those of the render's last quantum.
    const report = await settles('report() after render()', bank.report());
    expect(report.ok && report.value).toMatchObject({ workletCount: 2, memoryBytes: expect.any(Number) });
    expect(report.ok && report.value.memoryBytes).toBeGreaterThan(0);
    expect(report.ok && report.value.render).toHaveLength(2);
    // Calls that need the audio thread say why they cannot run; bookkeeping still works.
    for (const [what, call] of [
      [
        'ensureInstrument',
        () =>
          bank.ensureInstrument('x', {
            kind: 'synth',
            waveform: 'sine',
            attack: 0,
            decay: 0,
            sustain: 1,
            release: 0,
            cutoff: 4000,
            resonance: 0,
          }),
      ],
      ['prepareSong', () => bank.prepareSong(song)],
      ['play', () => bank.play(song)],
    ] as const) {
      expect(await failure(`${what} after render()`, call)).toMatchObject({ code: 'INVALID_STATE' });
    }
    expect(bank.getStats().allocatedVoices).toBe(32);
    bank.resetForNewSong();
    bank.dispose();
  });

  it.each([
    [-5, 'seconds must be a finite number > 0; got -5'],
    [0, 'seconds must be a finite number > 0; got 0'],
    [Number.NaN, 'seconds must be a finite number > 0; got NaN'],
    [Number.POSITIVE_INFINITY, 'seconds must be a finite number > 0; got Infinity'],
    [0.6, 'seconds is 0.6, but this OfflineAudioContext holds 0.5 s (11025 frames at 22050 Hz)'],
  ])('seconds %s is INVALID_ARGUMENT naming it, and the bank still renders', async (seconds, message) => {
    const context = offline(0.5);
    const bank = await bankOn(context);
    expect(
      await failure(`render({ seconds: ${seconds} })`, bank.render(defaultSong(), { seconds })),
    ).toMatchObject({
      name: 'SongBankError',
      code: 'INVALID_ARGUMENT',
      message: `render(): ${message}`,
    });
    const buffer = await bank.render(defaultSong(), { seconds: 0.5 });
    expect(firstSound(buffer.getChannelData(0))).toBeGreaterThanOrEqual(0);
    bank.dispose();
  });

  it('a real-time bank refuses seconds and sample rates no OfflineAudioContext can hold, before any work', async () => {
    // A bank whose context is not offline renders through a fresh OfflineAudioContext.
    const options: AudioContextOptions & { sinkId: { type: 'none' } } = {
      sinkId: { type: 'none' },
      sampleRate: RATE,
    };
    const realTime = new AudioContext(options);
    const made: number[] = [];
    const Offline = class extends OfflineAudioContext {
      constructor(options: { numberOfChannels: number; length: number; sampleRate: number }) {
        super(options);
        made.push(options.length);
      }
    };
    const bank = await createSongBank(realTime as unknown as BaseAudioContext, {
      simplifiedMod: true,
      offlineAudioContext: Offline as unknown as OfflineAudioContextConstructor,
    });
    expect(await failure('seconds 100000', bank.render(defaultSong(), { seconds: 100_000 }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'render(): seconds is 100000; a render holds at most 3600 s, all of it in memory',
    });
    expect(
      await failure('sampleRate 1', bank.render(defaultSong(), { seconds: 1, sampleRate: 1 })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('sampleRate must be a number of Hz in 3000..768000'),
    });
    expect(made).toEqual([]);
    bank.dispose();
    await realTime.close();
  });
});

describe('play() on an OfflineAudioContext bank', () => {
  it.each([['pooled'], ['simplified']] as const)(
    '%s: the song starts at the frame asked for, the same on every run',
    async (mode) => {
      const options: SongBankOptions = mode === 'simplified' ? { simplifiedMod: true } : {};
      const reference = await bankOn(offline(1), options);
      const rendered = (await reference.render(defaultSong())).getChannelData(0).slice();
      reference.dispose();
      const start = firstSound(rendered);
      expect(start).toBeGreaterThanOrEqual(0);
      const runs: Float32Array[] = [];
      for (let run = 0; run < 2; run++) {
        const context = offline(1);
        const bank = await bankOn(context, options);
        const player = bank.play(defaultSong(), { at: 0.5 });
        expect((await settles('player.ready', player.ready)).ok).toBe(true);
        expect(player.startTime).toBe(0.5);
        runs.push((await context.startRendering()).getChannelData(0).slice());
        bank.dispose();
      }
      const [one, two] = runs as [Float32Array, Float32Array];
      const shift = 0.5 * RATE;
      expect(firstSound(one)).toBe(start + shift);
      expect(two).toEqual(one);
      // The same song as render() gives, half a second later.
      let worst = 0;
      for (let i = 0; i + shift < one.length; i++) {
        worst = Math.max(worst, Math.abs((one[i + shift] as number) - (rendered[i] as number)));
      }
      // Tick times are sums of float seconds, so a note may land one frame off the plain shift.
      expect(worst).toBeLessThan(0.01);
    },
  );

  it('refuses a second song, a render after play(), a start outside the context, and a render begun before ready', async () => {
    const context = offline(0.5);
    const bank = await bankOn(context);
    expect(await failure('at -1', () => bank.play(defaultSong(), { at: -1 }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'play(): at must be a context time >= 0 in seconds; got -1',
    });
    expect(await failure('at 0.5', () => bank.play(defaultSong(), { at: 0.5 }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('before its end at 0.5 s'),
    });
    const player = bank.play(defaultSong());
    // Rendering before ready would drop notes at random: ready says so instead. Started
    // at once, so ready cannot have resolved during the checks below.
    const rendering = context.startRendering();
    expect(await failure('a second play()', () => bank.play(defaultSong()))).toMatchObject({
      code: 'INVALID_STATE',
      message: expect.stringContaining('play() already scheduled a song on this OfflineAudioContext'),
    });
    expect(await failure('render() after play()', bank.render(defaultSong()))).toMatchObject({
      code: 'INVALID_STATE',
    });
    expect(await failure('player.ready', player.ready)).toMatchObject({
      code: 'INVALID_STATE',
      message: expect.stringContaining('await player.ready, then call startRendering()'),
    });
    await rendering;
    bank.dispose();
  });
});
