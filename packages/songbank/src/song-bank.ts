/**
 * The song bank apps embed: a thin façade that checks options, owns the master output
 * and the context's lifecycle, and hands instruments to the registry
 * (instrument-registry.ts) and songs to the player (player.ts).
 */
import { resolveStrategy } from '@workletpool/strategies';
import {
  type AudioContextLike,
  createWorkletPool,
  type WorkletPool,
  type WorkletRenderStats,
} from '@workletpool/worklet-runtime';
import { InstrumentRegistry } from './instrument-registry.js';
import { loadMod } from './mod-loader.js';
import {
  checkRenderOptions,
  renderSong,
  type SongPlayer,
  songDuration as songDurationOf,
  startPlayer,
} from './player.js';
import { SongBankError } from './song-bank-error.js';
import { bankStats, bankWarnings } from './song-bank-stats.js';
import type {
  OfflineAudioContextConstructor,
  SongBank,
  SongBankMode,
  SongBankOptions,
} from './song-bank-types.js';
import type { SongBankWarning } from './song-bank-warning.js';
import { songInstruments } from './song-instruments.js';

export type {
  DegradedInstrument,
  EnsureInstrumentOptions,
  ExhaustedPolicy,
  OfflineAudioContextConstructor,
  SongBank,
  SongBankInstrumentStats,
  SongBankMode,
  SongBankOptions,
  SongBankReport,
  SongBankStats,
} from './song-bank-types.js';

const DEFAULT_VOICES = 4;
/**
 * Two full-volume, full-scale channels on a side sum to 0.95 under it: the 5% (0.45 dB) of
 * headroom holds the 1 ms fade tail of a cut note while the next note already sounds
 * (see "Level" in the README).
 */
const DEFAULT_MASTER_GAIN = 0.475;

/**
 * Creates a song bank on `context` (any BaseAudioContext, real time or offline, or
 * standardized-audio-context's contexts with its AudioWorkletNode).
 */
export async function createSongBank(
  audioContext: AudioContextLike,
  options: SongBankOptions = {},
): Promise<SongBank> {
  // Another implementation's context behaves as the DOM's; the bank hands it and its
  // nodes back only to that same implementation.
  const context = audioContext as BaseAudioContext;
  const strategy = resolveStrategy(options.strategy ?? 'fixed-blocks');
  const pooling = options.pooling ?? true;
  const simplified = options.simplifiedMod ?? false;
  const masterGain = options.masterGain ?? DEFAULT_MASTER_GAIN;
  const stereoSeparation = options.stereoSeparation ?? 1;
  if (!(masterGain >= 0 && masterGain <= 16)) {
    throw new SongBankError('INVALID_ARGUMENT', `masterGain must be 0..16; got ${masterGain}`);
  }
  if (!(stereoSeparation >= 0 && stereoSeparation <= 1)) {
    throw new SongBankError('INVALID_ARGUMENT', `stereoSeparation must be 0..1; got ${stereoSeparation}`);
  }
  const onExhausted = options.onExhausted ?? 'fail';
  if (!['fail', 'fewer-voices', 'simplified'].includes(onExhausted)) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `onExhausted must be 'fail', 'fewer-voices' or 'simplified'; got ${String(onExhausted)}`,
    );
  }
  // Checked here, so a bad option is a SongBankError that names the bank's own option.
  const voicesPerWorklet = options.voicesPerWorklet ?? 16;
  if (!(Number.isInteger(voicesPerWorklet) && voicesPerWorklet >= 1 && voicesPerWorklet <= 64)) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `voicesPerWorklet must be a whole number in 1..64; got ${String(voicesPerWorklet)}`,
    );
  }
  const maxWorklets = options.maxWorklets;
  if (
    !(
      maxWorklets === undefined ||
      maxWorklets === Number.POSITIVE_INFINITY ||
      (Number.isInteger(maxWorklets) && maxWorklets >= 1)
    )
  ) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `maxWorklets must be a whole number >= 1 (or Infinity); got ${String(maxWorklets)}`,
    );
  }
  if (
    !(options.outputs === undefined || options.outputs === 'per-instrument' || options.outputs === 'shared')
  ) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `outputs must be 'per-instrument' or 'shared'; got ${JSON.stringify(options.outputs)}`,
    );
  }

  const mode: SongBankMode = simplified ? 'simplified' : pooling ? 'pooled' : 'dedicated';
  const master = context.createGain();
  master.gain.value = masterGain;
  const nodeOption = {
    ...(options.AudioWorkletNode === undefined ? {} : { AudioWorkletNode: options.AudioWorkletNode }),
    ...(options.declick === undefined ? {} : { declick: options.declick }),
    ...(options.transport === undefined ? {} : { transport: options.transport }),
  };
  master.connect((options.destination ?? context.destination) as AudioNode);
  // The simplified path needs no pool: its samplers use no worklet, and a synth patch
  // (which needs an engine) gets a worklet of its own.
  const pool: WorkletPool | undefined =
    pooling && !simplified
      ? await createWorkletPool(context, {
          destination: master,
          strategy,
          voicesPerWorklet,
          ...nodeOption,
          ...(options.maxWorklets === undefined ? {} : { maxWorklets: options.maxWorklets }),
          ...(options.outputs === undefined ? {} : { outputs: options.outputs }),
        })
      : undefined;

  const players = new Set<SongPlayer>();
  let disposed = false;

  let closed = false;
  const alive = (what: string) => {
    if (disposed) {
      throw new SongBankError(
        'DISPOSED',
        closed ? `${what}: the bank's AudioContext was closed` : `${what}: the song bank was disposed`,
      );
    }
  };
  const offline = isOfflineContext(context) ? context : undefined;
  /** An OfflineAudioContext renders once: what this bank has started on its own. */
  let offlineUse: 'none' | 'scheduled' | 'rendering' = 'none';
  /** Refuses calls that need the audio thread once the bank's OfflineAudioContext has rendered. */
  const running = (what: string) => {
    alive(what);
    if (offline !== undefined && offline.state === 'closed') {
      throw new SongBankError(
        'INVALID_STATE',
        `${what}: this bank's OfflineAudioContext has finished rendering (an OfflineAudioContext renders once), so its worklets no longer run`,
      );
    }
  };
  /** Why the bank's OfflineAudioContext cannot take another song, if it cannot. */
  const offlineBusy = (): string | undefined => {
    if (offline === undefined) return undefined;
    if (offlineUse === 'rendering') return 'a render is already under way on this OfflineAudioContext';
    if (offlineUse === 'scheduled') {
      return 'play() already scheduled a song on this OfflineAudioContext; call its startRendering() to render it';
    }
    if (offline.state === 'running' || offline.currentTime > 0) {
      return 'this OfflineAudioContext has already started rendering';
    }
    return undefined;
  };

  /** The whole-song warning of the last prepareSong (channels sharing voices), if any. */
  let songWarning: SongBankWarning | undefined;
  const warnings = (): SongBankWarning[] =>
    bankWarnings(songWarning, registry.degraded(), options.maxWorklets);

  const registry = new InstrumentRegistry({
    context,
    master,
    pool,
    simplified,
    onExhausted,
    nodeOptions: nodeOption,
    disposed: () => disposed,
    onDegraded: (id) => {
      if (options.onWarning === undefined) return;
      const warning = warnings().find((w) => w.instrument === id);
      if (warning !== undefined) options.onWarning(warning);
    },
  });

  /** Stops playback, forgets pending requests and disposes every instrument. */
  function dropEverything(stale: boolean): void {
    for (const player of players) player.stop();
    players.clear();
    registry.clear(stale);
  }

  // A closed context can play nothing again: release everything, and say why from then on.
  // An offline context also ends 'closed' once it has rendered; that is its normal end,
  // and the bank stays usable for stats and teardown until the caller disposes it.
  const onStateChange = () => {
    if (context.state !== 'closed' || disposed || isOfflineContext(context)) return;
    closed = true;
    bank.dispose();
  };

  const bank: SongBank = {
    context,
    mode,
    output: master,

    async ensureInstrument(id, patch, ensureOptions = {}) {
      running(`ensureInstrument("${id}")`);
      const voices = ensureOptions.voices ?? DEFAULT_VOICES;
      if (id.length === 0) throw new SongBankError('INVALID_ARGUMENT', 'instrument id must not be empty');
      return registry.ensure(id, patch, voices, ensureOptions.name ?? id);
    },

    instrument(id) {
      return registry.instrument(id);
    },

    teardownInstrument(id) {
      alive(`teardownInstrument("${id}")`);
      return registry.teardown(id);
    },

    resetForNewSong() {
      alive('resetForNewSong()');
      songWarning = undefined;
      dropEverything(true);
      pool?.reset();
    },

    dispose() {
      context.removeEventListener('statechange', onStateChange);
      if (disposed) return;
      dropEverything(false);
      pool?.dispose();
      master.disconnect();
      disposed = true;
    },

    getStats() {
      return bankStats(mode, strategy.name, pool, registry, warnings());
    },

    async report() {
      alive('report()');
      if (pool === undefined) return { ...bank.getStats(), memoryBytes: null, sounding: null };
      let render: readonly WorkletRenderStats[];
      try {
        render = offline?.state === 'closed' ? pool.stats().render : (await pool.report()).render;
      } catch (error) {
        if (offline?.state !== 'closed') throw error;
        render = pool.stats().render;
      }
      // A rendered offline context answers nothing more: its figures are the ones its
      // render reported at its last quantum, or none if nobody asked then.
      if (render.length === 0 && offline?.state === 'closed') {
        return { ...bank.getStats(), memoryBytes: null, sounding: null };
      }
      return {
        ...bank.getStats(),
        memoryBytes: render.reduce((sum, worklet) => sum + worklet.memoryBytes, 0),
        sounding: render.reduce((sum, worklet) => sum + worklet.activeVoices.reduce((a, b) => a + b, 0), 0),
      };
    },

    async loadSong(bytes) {
      alive('loadSong()');
      return loadMod(bytes);
    },

    async prepareSong(song) {
      running('prepareSong()');
      const voices = Math.min(song.channels, voicesPerWorklet);
      const shared: SongBankWarning | undefined =
        song.channels > voices
          ? {
              code: 'CHANNELS_SHARE_VOICES',
              message: `the song has ${song.channels} channels but a worklet holds ${voicesPerWorklet} voices (voicesPerWorklet): each instrument gets ${voices}, so channels ${voices + 1}-${song.channels} share voices with channels 1-${song.channels - voices} and can cut their notes short`,
            }
          : undefined;
      if (shared !== undefined && shared.message !== songWarning?.message) options.onWarning?.(shared);
      songWarning = shared;
      await Promise.all(
        songInstruments(song).map((instrument) =>
          bank.ensureInstrument(instrument.id, instrument.patch, { voices, name: instrument.name }),
        ),
      );
    },

    play(song, playOptions = {}) {
      running('play()');
      const busy = offlineBusy();
      if (busy !== undefined) throw new SongBankError('INVALID_STATE', `play(): ${busy}`);
      const player = startPlayer(bank, song, { ...playOptions, stereoSeparation });
      if (offline !== undefined) offlineUse = 'scheduled';
      players.add(player);
      return player;
    },

    async render(song, renderOptions = {}) {
      running('render()');
      if (offline !== undefined) {
        const busy = offlineBusy();
        if (busy !== undefined) throw new SongBankError('INVALID_STATE', `render(): ${busy}`);
        checkRenderOptions(renderOptions, offline);
        offlineUse = 'rendering';
        try {
          return await renderSong(bank, offline, song, { ...renderOptions, stereoSeparation });
        } catch (error) {
          // Failed before rendering began (a song that could not be prepared): the context can still render.
          if (offline.state === 'suspended' && offline.currentTime === 0) offlineUse = 'none';
          throw error;
        }
      }
      // The exact length (never shorter than the whole frames the child plays); the render's
      // own sampleRate is checked by checkRenderOptions, with the bank's error.
      const { tempoMode } = renderOptions;
      const { frames, sampleRate } = checkRenderOptions(
        renderOptions,
        context,
        songDurationOf(song, tempoMode === undefined ? {} : { tempoMode }),
      );
      const Offline = options.offlineAudioContext ?? globalOfflineContext();
      let child: SongBank;
      try {
        const fresh = new Offline({ numberOfChannels: 2, length: frames, sampleRate });
        const { destination: _destination, offlineAudioContext: _offline, ...rest } = options;
        child = await createSongBank(fresh, rest);
      } catch (error) {
        if (error instanceof SongBankError) throw error;
        throw new SongBankError(
          'INVALID_ARGUMENT',
          `render(): an OfflineAudioContext of ${frames} frames at ${sampleRate} Hz could not be made (seconds, sampleRate): ${String(error)}`,
          { cause: error },
        );
      }
      try {
        return await child.render(song, renderOptions);
      } finally {
        child.dispose();
      }
    },
  };
  context.addEventListener('statechange', onStateChange);
  return bank;
}

function isOfflineContext(context: BaseAudioContext): context is OfflineAudioContext {
  return typeof (context as Partial<OfflineAudioContext>).startRendering === 'function';
}

function globalOfflineContext(): OfflineAudioContextConstructor {
  const found = (globalThis as { OfflineAudioContext?: OfflineAudioContextConstructor }).OfflineAudioContext;
  if (found === undefined) {
    throw new SongBankError(
      'NO_OFFLINE_CONTEXT',
      'render() on a real-time bank needs an OfflineAudioContext: pass options.offlineAudioContext',
    );
  }
  return found;
}
