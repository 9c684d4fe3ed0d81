// The song bank used the wrong way: bad options, calls after dispose, calls in the wrong
// order. Every call settles (a hang fails the test with the call's name) with a typed
// error that names the argument or the state, and nothing already loaded is lost.
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { failure, settles } from '../../../test-support/settles.js';
import { defaultSong, defaultSongBytes } from './default-song.js';
import { createSongBank, type SongBankOptions } from './song-bank.js';

const RATE = 22_050;

function offline(frames = 256): OfflineAudioContext {
  return new OfflineAudioContext({ numberOfChannels: 2, length: frames, sampleRate: RATE });
}

async function bankWith(options: SongBankOptions = {}) {
  const context = offline();
  const bank = await createSongBank(context as unknown as BaseAudioContext, { AudioWorkletNode, ...options });
  return { context, bank };
}

describe('createSongBank refuses bad options as SongBankError naming the option', () => {
  it.each([
    [{ voicesPerWorklet: 1000 }, 'voicesPerWorklet must be a whole number in 1..64; got 1000'],
    [{ voicesPerWorklet: 0 }, 'voicesPerWorklet must be a whole number in 1..64; got 0'],
    [{ voicesPerWorklet: 2.5 }, 'voicesPerWorklet must be a whole number in 1..64; got 2.5'],
    [{ maxWorklets: 0 }, 'maxWorklets must be a whole number >= 1 (or Infinity); got 0'],
    [{ outputs: 'mixed' as 'shared' }, `outputs must be 'per-instrument' or 'shared'; got "mixed"`],
    [{ masterGain: -1 }, 'masterGain must be 0..16; got -1'],
    [{ stereoSeparation: Number.NaN }, 'stereoSeparation must be 0..1; got NaN'],
  ])('%o', async (options, message) => {
    const context = offline();
    const error = await failure('createSongBank', () =>
      createSongBank(context as unknown as BaseAudioContext, { AudioWorkletNode, ...options }),
    );
    expect(error).toMatchObject({ name: 'SongBankError', code: 'INVALID_ARGUMENT', message });
    await context.startRendering();
  });
});

describe('calls on a disposed bank', () => {
  it('every call settles with DISPOSED; getStats and dispose still work', async () => {
    const { context, bank } = await bankWith();
    await bank.prepareSong(defaultSong());
    bank.dispose();
    bank.dispose();
    const disposed = {
      name: 'SongBankError',
      code: 'DISPOSED',
      message: expect.stringContaining('disposed'),
    };
    const song = defaultSong();
    const calls: [string, () => unknown][] = [
      [
        'ensureInstrument',
        () =>
          bank.ensureInstrument('x', {
            kind: 'sampler',
            data: new Int8Array(8),
            loopStart: 0,
            loopLength: 0,
          }),
      ],
      ['teardownInstrument', () => bank.teardownInstrument('sample-3')],
      ['resetForNewSong', () => bank.resetForNewSong()],
      ['report', () => bank.report()],
      ['loadSong', () => bank.loadSong(defaultSongBytes())],
      ['prepareSong', () => bank.prepareSong(song)],
      ['play', () => bank.play(song)],
      ['render', () => bank.render(song)],
    ];
    for (const [what, call] of calls) expect(await failure(what, call)).toMatchObject(disposed);
    expect(bank.getStats()).toMatchObject({ instruments: [], warnings: [] });
    await context.startRendering();
  });

  it('a request loading when the bank is disposed settles with DISPOSED', async () => {
    const { context, bank } = await bankWith();
    const loading = bank.prepareSong(defaultSong());
    bank.dispose();
    expect(await failure('prepareSong across dispose()', loading)).toMatchObject({ code: 'DISPOSED' });
    await context.startRendering();
  });
});

describe('calls in the wrong order or with bad arguments', () => {
  it('settle with typed errors naming the argument, and keep what was loaded', async () => {
    const { context, bank } = await bankWith();
    await bank.prepareSong(defaultSong());
    const before = bank.getStats();
    const patch = { kind: 'sampler', data: new Int8Array(8), loopStart: 0, loopLength: 0 } as const;
    expect(await failure('empty id', () => bank.ensureInstrument('', patch))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'instrument id must not be empty',
    });
    expect(await failure('voices 17', () => bank.ensureInstrument('x', patch, { voices: 17 }))).toMatchObject(
      {
        name: 'PoolError',
        code: 'REQUEST_TOO_LARGE',
        message: expect.stringContaining('options.voices is 17'),
      },
    );
    expect(
      await failure('a bad patch', () => bank.ensureInstrument('x', { ...patch, loopStart: -2 })),
    ).toMatchObject({ name: 'WorkletRuntimeError', code: 'INVALID_PATCH' });
    expect(
      await failure('loadSong of a string', () => bank.loadSong('song.mod' as unknown as Uint8Array)),
    ).toMatchObject({
      name: 'SongLoadError',
      code: 'INVALID_INPUT',
    });
    expect(await failure('play at NaN', () => bank.play(defaultSong(), { at: Number.NaN }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'play(): at must be a context time >= 0 in seconds; got NaN',
    });
    expect(
      await failure('render at another rate', bank.render(defaultSong(), { sampleRate: 44_100 })),
    ).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('sampleRate 44100') });
    expect(
      await failure('onProgress that is not a function', () =>
        bank.render(defaultSong(), { onProgress: 1 as unknown as () => void }),
      ),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('onProgress must be a function'),
    });
    expect(bank.getStats()).toEqual(before);
    // report() before any render answers from the audio thread.
    const report = await settles('report() before rendering', bank.report());
    expect(report.ok && report.value.memoryBytes).toBeGreaterThan(0);
    // A player stopped before it was ready resolves and schedules nothing.
    const player = bank.play(defaultSong());
    player.stop();
    expect((await settles('a stopped player.ready', player.ready)).ok).toBe(true);
    expect(player.finished).toBe(true);
    bank.dispose();
    await context.startRendering();
  });
});
