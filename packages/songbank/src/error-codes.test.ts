// Every code the README's errors table lists can be produced through the package's API,
// as the error class the table names, and every code the sources declare is listed.
import { fileURLToPath } from 'node:url';
import type { StrategyName } from '@workletpool/strategies';
import { AudioContext, AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { listedCodes, unionCodes } from '../../../test-support/error-table.js';
import { failure } from '../../../test-support/settles.js';
import { defaultSong, defaultSongBytes } from './default-song.js';
import { loadMod } from './mod-loader.js';
import { writeMod } from './mod-writer.js';
import { createSequencer } from './sequencer.js';
import type { Sample, Song } from './song.js';
import { createSongBank, type SongBankOptions } from './song-bank.js';
import { encodeWav } from './wav.js';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const source = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const patch = { kind: 'sampler', data: new Int8Array(64), loopStart: 0, loopLength: 0 } as const;

/** A bank on a short OfflineAudioContext that is rendered once the producer is done. */
async function withBank<T>(
  options: SongBankOptions,
  use: (bank: Awaited<ReturnType<typeof createSongBank>>) => Promise<T>,
) {
  const context = new OfflineAudioContext({ numberOfChannels: 2, length: 128, sampleRate: 22_050 });
  try {
    const bank = await createSongBank(context as unknown as BaseAudioContext, {
      AudioWorkletNode,
      ...options,
    });
    return await use(bank);
  } finally {
    if (context.state === 'suspended') await context.startRendering();
  }
}

function withSample(change: Partial<Sample>): Song {
  const song = defaultSong();
  return { ...song, samples: song.samples.map((sample, i) => (i === 0 ? { ...sample, ...change } : sample)) };
}

function bytesWith(offset: number, values: number[]): Uint8Array {
  const bytes = defaultSongBytes().slice();
  bytes.set(values, offset);
  return bytes;
}

const song = defaultSong();

/** One way to produce each listed code, through public calls. */
const producers: Record<string, () => Promise<unknown>> = {
  'SongLoadError:TRUNCATED': async () =>
    failure('half a file', () => loadMod(defaultSongBytes().slice(0, 1500))),
  'SongLoadError:BAD_FORMAT': async () => failure('ten bytes', () => loadMod(new Uint8Array(10))),
  'SongLoadError:NO_ORDERS': async () => failure('song length 0', () => loadMod(bytesWith(950, [0]))),
  'SongLoadError:BAD_VALUE': async () =>
    failure('a 33-channel tag', () =>
      loadMod(
        bytesWith(
          1080,
          [...'33CH'].map((c) => c.charCodeAt(0)),
        ),
      ),
    ),
  'SongLoadError:INVALID_INPUT': async () => failure('a string', () => loadMod('x' as unknown as Uint8Array)),
  'SongWriteError:UNSUPPORTED_FORMAT': async () =>
    failure('soundtracker', () => writeMod({ ...song, format: { kind: 'soundtracker' } })),
  'SongWriteError:CHANNEL_MISMATCH': async () =>
    failure('6 channels', () => writeMod({ ...song, channels: 6 })),
  'SongWriteError:INVALID_TEXT': async () =>
    failure('long title', () => writeMod({ ...song, title: 'x'.repeat(21) })),
  'SongWriteError:SAMPLE_COUNT': async () =>
    failure('30 samples', () => writeMod({ ...song, samples: song.samples.slice(1) })),
  'SongWriteError:INVALID_SAMPLE': async () =>
    failure('volume 65', () => writeMod(withSample({ volume: 65 }))),
  'SongWriteError:ODD_LENGTH': async () =>
    failure('7 bytes', () => writeMod(withSample({ data: new Int8Array(7) }))),
  'SongWriteError:SAMPLE_TOO_LONG': async () =>
    failure('128 KiB + 2', () =>
      writeMod(withSample({ data: new Int8Array(131_074), loopStart: 0, loopLength: 0 })),
    ),
  'SongWriteError:INVALID_LOOP': async () =>
    failure('loop -2', () => writeMod(withSample({ loopLength: -2 }))),
  'SongWriteError:INVALID_ORDERS': async () => failure('no orders', () => writeMod({ ...song, orders: [] })),
  'SongWriteError:INVALID_PATTERN': async () =>
    failure('63 rows', () =>
      writeMod({ ...song, patterns: song.patterns.map((p, i) => (i === 0 ? { rows: p.rows.slice(1) } : p)) }),
    ),
  'SongWriteError:INVALID_CELL': async () =>
    failure('effect 16', () =>
      writeMod({
        ...song,
        patterns: song.patterns.map((p, i) =>
          i === 0
            ? { rows: p.rows.map((row, r) => (r === 0 ? row.map((cell) => ({ ...cell, effect: 16 })) : row)) }
            : p,
        ),
      }),
    ),
  'SequencerError:INVALID_OPTION': async () =>
    failure('tuning', () => createSequencer(song, { tuning: 'just' as 'equal' })),
  'SequencerError:INVALID_SONG': async () => failure('null', () => createSequencer(null as unknown as Song)),
  'WavEncodeError:INVALID_OPTIONS': async () =>
    failure('8 bits', () => encodeWav(new AudioBufferStub(1, 8), { bitDepth: 8 as 16 })),
  'WavEncodeError:INVALID_BUFFER': async () =>
    failure('0 channels', () => encodeWav(new AudioBufferStub(0, 8))),
  'WavEncodeError:TOO_LARGE': async () =>
    failure('2^30 frames', () => encodeWav(new AudioBufferStub(2, 2 ** 30))),
  'SongBankError:DISPOSED': async () =>
    withBank({}, async (bank) => {
      bank.dispose();
      return failure('report', () => bank.report());
    }),
  'SongBankError:STALE_REQUEST': async () =>
    withBank({}, async (bank) => {
      const loading = bank.ensureInstrument('a', patch);
      bank.resetForNewSong();
      return failure('a load overtaken by a reset', loading);
    }),
  'SongBankError:INVALID_ARGUMENT': async () =>
    withBank({}, async (bank) => failure('seconds -5', () => bank.render(song, { seconds: -5 }))),
  'SongBankError:INVALID_STATE': async () =>
    withBank({}, async (bank) => {
      bank.play(song);
      return failure('render after play', () => bank.render(song));
    }),
  'SongBankError:NO_OFFLINE_CONTEXT': async () => {
    // Node has no global OfflineAudioContext: a real-time bank must be given one.
    const options: AudioContextOptions & { sinkId: { type: 'none' } } = { sinkId: { type: 'none' } };
    const context = new AudioContext(options);
    try {
      const bank = await createSongBank(context as unknown as BaseAudioContext, { simplifiedMod: true });
      return await failure('render without an OfflineAudioContext', () => bank.render(song, { seconds: 1 }));
    } finally {
      await context.close();
    }
  },
  'PoolError:POOL_EXHAUSTED': async () =>
    withBank({ maxWorklets: 1 }, async (bank) => {
      await bank.ensureInstrument('a', patch, { voices: 16 });
      return failure('one voice more', () => bank.ensureInstrument('b', patch, { voices: 1 }));
    }),
  'PoolError:REQUEST_TOO_LARGE': async () =>
    withBank({}, async (bank) =>
      failure('17 voices', () => bank.ensureInstrument('a', patch, { voices: 17 })),
    ),
  'PoolError:UNKNOWN_STRATEGY': async () =>
    withBank({}, async () =>
      failure('strategy "nearest"', () =>
        createSongBank(new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate: 22_050 }), {
          strategy: 'nearest' as StrategyName,
        }),
      ),
    ),
  'WorkletRuntimeError:INVALID_PATCH': async () =>
    withBank({}, async (bank) =>
      failure('loopStart -2', () => bank.ensureInstrument('a', { ...patch, loopStart: -2 })),
    ),
  'WorkletRuntimeError:INVALID_ARGUMENT': async () =>
    withBank({}, async (bank) => failure('0 voices', () => bank.ensureInstrument('a', patch, { voices: 0 }))),
  'WorkletRuntimeError:NO_AUDIO_WORKLET': async () =>
    // Node has no global AudioWorkletNode: it must be passed.
    failure('no AudioWorkletNode', () =>
      createSongBank(new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate: 22_050 })),
    ),
};

/** Just enough of an AudioBuffer for encodeWav's checks. */
class AudioBufferStub {
  readonly sampleRate = 22_050;
  constructor(
    readonly numberOfChannels: number,
    readonly length: number,
  ) {}
  getChannelData(): Float32Array {
    return new Float32Array(this.length);
  }
}

describe('the errors table of the README', () => {
  const listed = listedCodes(readme);
  const codesOf = (error: string) =>
    listed
      .filter((entry) => entry.error === error)
      .map((entry) => entry.code)
      .sort();

  it.each([
    ['SongBankError', './song-bank-error.ts', 'SongBankErrorCode'],
    ['SongLoadError', './errors.ts', 'SongLoadErrorCode'],
    ['SequencerError', './errors.ts', 'SequencerErrorCode'],
    ['SongWriteError', './mod-writer.ts', 'SongWriteErrorCode'],
  ])('lists every code %s declares', (error, file, type) => {
    expect(codesOf(error)).toEqual(unionCodes(source(file), type).sort());
  });

  it.each(listed.map((entry) => [`${entry.error} ${entry.code}`, entry] as const))(
    '%s can be produced',
    async (_, { error, code }) => {
      const produce = producers[`${error}:${code}`];
      if (produce === undefined) throw new Error(`no test produces ${error} ${code}`);
      expect(await produce()).toMatchObject({ name: error, code });
    },
  );
});
