import { isPoolError, type Strategy } from '@workletpool/pool-core';
import { resolveStrategy, type StrategyName } from '@workletpool/strategies';
import {
  type AudioContextLike,
  type AudioNodeLike,
  type AudioWorkletNodeConstructor,
  type CommandTransport,
  createDedicatedInstrument,
  createSampleInstrument,
  createWorkletPool,
  type Instrument,
  type InstrumentPatch,
  type WorkletPool,
  type WorkletRenderStats,
} from '@workletpool/worklet-runtime';
import { loadMod } from './mod-loader.js';
import {
  checkRenderOptions,
  type PlayOptions,
  type RenderOptions,
  renderSong,
  type SongPlayer,
  songDuration as songDurationOf,
  startPlayer,
} from './player.js';
import type { Song } from './song.js';
import { SongBankError } from './song-bank-error.js';
import type { SongBankWarning } from './song-bank-warning.js';
import { songInstruments } from './song-instruments.js';

/** How a bank hosts its instruments. */
export type SongBankMode = 'pooled' | 'dedicated' | 'simplified';

/** Options of {@link createSongBank}. */
export interface SongBankOptions {
  /** Where the bank's master output goes; the context's destination by default. */
  readonly destination?: AudioNodeLike;
  /** Share worklets between instruments (default true); false gives each its own worklet. */
  readonly pooling?: boolean;
  /** Placement strategy for pooled instruments (default 'fixed-blocks'). */
  readonly strategy?: StrategyName | Strategy;
  /** Voices in each worklet's engine (default 16). */
  readonly voicesPerWorklet?: number;
  /** Most worklets the pool may create (default unbounded). */
  readonly maxWorklets?: number;
  /**
   * Outputs of a pooled bank's instruments (default 'per-instrument': each has its own
   * node, for mute, solo or meters). 'shared' gives each worklet one stereo output with
   * the sum of its instruments, which renders faster and sounds the same in the mix;
   * see worklet-runtime's WorkletPoolOptions.outputs.
   */
  readonly outputs?: 'per-instrument' | 'shared';
  /** Play MOD samples with AudioBufferSourceNodes, no worklet at all (default false). */
  readonly simplifiedMod?: boolean;
  /** Stereo separation of the LRRL channel panning, 0 (mono) to 1 (hard, as on an Amiga); default 1. */
  readonly stereoSeparation?: number;
  /** Gain of the master output (default 0.5, so four hard-panned channels cannot clip). */
  readonly masterGain?: number;
  /** AudioWorkletNode constructor (default: the global one; pass node-web-audio-api's in Node). */
  readonly AudioWorkletNode?: AudioWorkletNodeConstructor;
  /**
   * How note events reach the audio thread (default 'port'); 'shared-memory' needs a
   * cross-origin isolated page. See worklet-runtime's WorkletPoolOptions.transport.
   */
  readonly transport?: CommandTransport;
  /**
   * What a pooled bank does when maxWorklets is reached (default 'fail': ensureInstrument
   * rejects with pool-core's POOL_EXHAUSTED). 'fewer-voices' gives the instrument as many
   * voices as still fit (at least one); 'simplified' plays a sampler patch without a
   * worklet (AudioBufferSourceNodes). Either is listed in {@link SongBankStats.degraded}.
   */
  readonly onExhausted?: ExhaustedPolicy;
  /**
   * Worklet instruments ramp volume and pan changes and fade out every cut note over
   * 1 ms, so note cuts, steals and volume jumps do not click (default true, as
   * libopenmpt ramps by default). false plays every change at its exact frame, as
   * ProTracker does, for renders compared sample by sample with a reference. The
   * simplified path (AudioBufferSourceNodes) is not affected.
   */
  readonly declick?: boolean;
  /** Constructor used by {@link SongBank.render} on a real-time bank; globalThis.OfflineAudioContext by default. */
  readonly offlineAudioContext?: OfflineAudioContextConstructor;
  /** Called once for each new way playback is degraded (also listed in {@link SongBankStats.warnings}). */
  readonly onWarning?: (warning: SongBankWarning) => void;
}

/** What a pooled bank does when the pool has no room for an instrument. */
export type ExhaustedPolicy = 'fail' | 'fewer-voices' | 'simplified';

/** An instrument the bank created in a degraded form because the pool was full. */
export interface DegradedInstrument {
  readonly id: string;
  readonly reason: 'fewer-voices' | 'simplified';
  /** Voices it got. */
  readonly voices: number;
  /** Voices it asked for. */
  readonly requested: number;
}

/** A constructor of offline contexts (the browser's, or node-web-audio-api's). */
export type OfflineAudioContextConstructor = new (options: {
  numberOfChannels: number;
  length: number;
  sampleRate: number;
}) => OfflineAudioContext;

/** Where one instrument lives. `worklet`/`start` are absent when it has no shared worklet. */
export interface SongBankInstrumentStats {
  readonly id: string;
  readonly name: string;
  readonly voices: number;
  readonly worklet?: number;
  readonly start?: number;
}

/** What {@link SongBank.getStats} reports. */
export interface SongBankStats {
  readonly mode: SongBankMode;
  readonly strategy: string;
  readonly workletCount: number;
  readonly totalVoices: number;
  readonly allocatedVoices: number;
  readonly freeVoices: number;
  /** AudioWorkletNodes created over the bank's life (dedicated mode: one per instrument ever made). */
  readonly nodesCreated: number;
  readonly instruments: readonly SongBankInstrumentStats[];
  /** Per-worklet audio-thread figures (render time per quantum, active voices, WASM memory) from the last report(). */
  readonly render: readonly WorkletRenderStats[];
  /** Live instruments that the onExhausted policy degraded (empty with the default 'fail'). */
  readonly degraded: readonly DegradedInstrument[];
  /** Ways the current song plays differently from how it is written (empty when it plays as written). */
  readonly warnings: readonly SongBankWarning[];
}

/** What {@link SongBank.report} adds to the stats, as the audio thread reports it. */
export interface SongBankReport extends SongBankStats {
  /** Bytes of WASM memory over the pool's worklets (null without a pool). */
  readonly memoryBytes: number | null;
  /** Voices sounding now over the pool's worklets (null without a pool). */
  readonly sounding: number | null;
}

/** Options of {@link SongBank.ensureInstrument}. */
export interface EnsureInstrumentOptions {
  /** Voices the instrument needs (default 4). */
  readonly voices?: number;
  /** A display name for stats (default the id). */
  readonly name?: string;
}

interface Entry {
  readonly instrument: Instrument;
  readonly patch: InstrumentPatch;
  /** The id the instrument has in the pool (differs from the bank id while a replacement loads). */
  readonly poolId: string;
  readonly name: string;
  readonly dedicated: boolean;
  readonly degraded?: DegradedInstrument;
}

/** The song bank an app embeds: instruments on pooled worklets, MOD loading, playback and rendering. */
export interface SongBank {
  readonly context: BaseAudioContext;
  readonly mode: SongBankMode;
  /** The bank's master output (a GainNode connected to the destination). */
  readonly output: AudioNode;
  /** Makes sure instrument `id` exists with `patch`; resolves to it. Same id and patch: the same instrument. */
  ensureInstrument(
    id: string,
    patch: InstrumentPatch,
    options?: EnsureInstrumentOptions,
  ): Promise<Instrument>;
  /** The live instrument `id`, if any. */
  instrument(id: string): Instrument | undefined;
  /** Disposes instrument `id` and frees its voices; false if there was none. */
  teardownInstrument(id: string): boolean;
  /** Stops playback and drops every instrument, keeping the worklets for the next song. */
  resetForNewSong(): void;
  /** Stops everything and releases every node; later calls fail with DISPOSED. */
  dispose(): void;
  getStats(): SongBankStats;
  /**
   * Asks every pooled worklet for its render time, active voices and memory; resolves to
   * getStats() with them, plus the totals of WASM memory and sounding voices.
   */
  report(): Promise<SongBankReport>;
  /** Parses MOD bytes; rejects with SongLoadError, leaving the bank as it was. */
  loadSong(bytes: Uint8Array): Promise<Song>;
  /** Creates the instruments a song plays (one per used sample). */
  prepareSong(song: Song): Promise<void>;
  /**
   * Plays a song in real time with lookahead scheduling. On an OfflineAudioContext it
   * schedules the whole song from `at` once ready: await `ready`, then call the context's
   * startRendering(); one song per context (INVALID_STATE otherwise).
   */
  play(song: Song, options?: PlayOptions): SongPlayer;
  /**
   * Renders a song offline. On an OfflineAudioContext bank it renders that context, once
   * (a second call is INVALID_STATE); a real-time bank makes a fresh context each call.
   */
  render(song: Song, options?: RenderOptions): Promise<AudioBuffer>;
}

const DEFAULT_VOICES = 4;

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
  const masterGain = options.masterGain ?? 0.5;
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

  const entries = new Map<string, Entry>();
  const pending = new Map<
    string,
    { patch: InstrumentPatch; voices: number; promise: Promise<Instrument>; token: object }
  >();
  const players = new Set<SongPlayer>();
  /** Pool ids held by live instruments and by requests still loading. */
  const poolIds = new Set<string>();
  let generation = 0;
  let dedicatedNodes = 0;
  let replacements = 0;
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
  function warnings(): SongBankWarning[] {
    const limit = options.maxWorklets === undefined ? '' : ` (maxWorklets ${options.maxWorklets})`;
    const degraded = degradedList().map(
      (d): SongBankWarning =>
        d.reason === 'fewer-voices'
          ? {
              code: 'FEWER_VOICES',
              instrument: d.id,
              message: `instrument '${d.id}' got ${d.voices} of the ${d.requested} voices it asked for: the pool is full${limit}`,
            }
          : {
              code: 'SIMPLIFIED',
              instrument: d.id,
              message: `instrument '${d.id}' plays without a worklet (AudioBufferSourceNodes): the pool is full${limit}`,
            },
    );
    return songWarning === undefined ? degraded : [songWarning, ...degraded];
  }

  function degradedList(): DegradedInstrument[] {
    return [...entries.values()].flatMap((entry) => (entry.degraded === undefined ? [] : [entry.degraded]));
  }

  function drop(entry: Entry): void {
    entry.instrument.dispose();
    poolIds.delete(entry.poolId);
  }

  /** Stops playback, forgets pending requests and disposes every instrument. */
  function dropEverything(): void {
    for (const player of players) player.stop();
    players.clear();
    pending.clear();
    for (const entry of entries.values()) drop(entry);
    entries.clear();
  }

  const sampleInstrument = (id: string, patch: InstrumentPatch, voices: number) =>
    createSampleInstrument(context, id, patch, { voices, destination: master });

  interface Created {
    readonly instrument: Instrument;
    readonly degraded?: DegradedInstrument['reason'];
  }

  async function create(id: string, patch: InstrumentPatch, voices: number): Promise<Created> {
    // Synth patches always need an engine; only MOD samples have the no-worklet path.
    if (simplified && patch.kind === 'sampler') {
      return { instrument: await sampleInstrument(id, patch, voices) };
    }
    if (pool !== undefined) {
      try {
        return { instrument: await pool.createInstrument(id, patch, { voices }) };
      } catch (error) {
        if (!isPoolError(error, 'POOL_EXHAUSTED') || onExhausted === 'fail') throw error;
        if (onExhausted === 'simplified') {
          // A synth has no worklet-free form: the pool's error stands.
          if (patch.kind !== 'sampler') throw error;
          return { instrument: await sampleInstrument(id, patch, voices), degraded: 'simplified' };
        }
        // As many voices as the pool can still place, without growing it.
        for (let fewer = voices - 1; fewer >= 1; fewer--) {
          try {
            return {
              instrument: await pool.createInstrument(id, patch, { voices: fewer }),
              degraded: 'fewer-voices',
            };
          } catch (retry) {
            if (!isPoolError(retry, 'POOL_EXHAUSTED')) throw retry;
          }
        }
        throw error;
      }
    }
    dedicatedNodes++;
    return {
      instrument: await createDedicatedInstrument(context, id, patch, {
        voices,
        destination: master,
        ...nodeOption,
      }),
    };
  }

  const bank: SongBank = {
    context,
    mode,
    output: master,

    async ensureInstrument(id, patch, ensureOptions = {}) {
      running(`ensureInstrument("${id}")`);
      const voices = ensureOptions.voices ?? DEFAULT_VOICES;
      if (id.length === 0) throw new SongBankError('INVALID_ARGUMENT', 'instrument id must not be empty');
      const existing = entries.get(id);
      // A degraded instrument counts as what was asked for, so asking again does not rebuild it.
      const had = existing?.degraded?.requested ?? existing?.instrument.voices;
      if (existing !== undefined && existing.patch === patch && had === voices) {
        // The latest call wins: an older request still loading something else for this
        // id is now stale and must not replace what this call returns.
        pending.delete(id);
        return existing.instrument;
      }
      const inFlight = pending.get(id);
      if (inFlight !== undefined && inFlight.patch === patch && inFlight.voices === voices)
        return inFlight.promise;
      const started = generation;
      const token = {};
      // A replaced instrument keeps sounding until its successor is ready, so the two
      // briefly coexist in the pool under different pool ids.
      // A torn-down or reset request may still be loading under its pool id, so the id
      // is taken whenever any request or instrument holds it.
      let poolId = id;
      while (poolIds.has(poolId)) poolId = `${id}~${++replacements}`;
      poolIds.add(poolId);
      const overtaken = () => disposed || generation !== started || pending.get(id)?.token !== token;
      const stale = () =>
        new SongBankError(
          disposed ? 'DISPOSED' : 'STALE_REQUEST',
          `ensureInstrument("${id}") finished after ${disposed ? 'dispose' : 'a reset or a newer request'}; not installed`,
        );
      const promise = (async () => {
        let instrument: Instrument;
        let degraded: DegradedInstrument['reason'] | undefined;
        try {
          ({ instrument, degraded } = await create(poolId, patch, voices));
        } catch (error) {
          poolIds.delete(poolId);
          throw overtaken() ? stale() : error;
        }
        if (overtaken()) {
          instrument.dispose();
          poolIds.delete(poolId);
          throw stale();
        }
        pending.delete(id);
        const replaced = entries.get(id);
        if (replaced !== undefined) drop(replaced);
        entries.set(id, {
          instrument,
          patch,
          poolId,
          name: ensureOptions.name ?? id,
          dedicated: pool === undefined && !(simplified && patch.kind === 'sampler'),
          ...(degraded === undefined
            ? {}
            : { degraded: { id, reason: degraded, voices: instrument.voices, requested: voices } }),
        });
        if (degraded !== undefined && options.onWarning !== undefined) {
          const warning = warnings().find((w) => w.instrument === id);
          if (warning !== undefined) options.onWarning(warning);
        }
        return instrument;
      })();
      pending.set(id, { patch, voices, promise, token });
      promise.catch(() => {
        if (pending.get(id)?.token === token) pending.delete(id);
      });
      return promise;
    },

    instrument(id) {
      return entries.get(id)?.instrument;
    },

    teardownInstrument(id) {
      alive(`teardownInstrument("${id}")`);
      pending.delete(id);
      const entry = entries.get(id);
      if (entry === undefined) return false;
      entries.delete(id);
      drop(entry);
      return true;
    },

    resetForNewSong() {
      alive('resetForNewSong()');
      generation++;
      songWarning = undefined;
      dropEverything();
      pool?.reset();
    },

    dispose() {
      if (disposed) return;
      dropEverything();
      pool?.dispose();
      master.disconnect();
      disposed = true;
    },

    getStats() {
      const instruments: SongBankInstrumentStats[] = [];
      if (pool !== undefined) {
        const poolStats = pool.stats();
        const ranges = new Map(poolStats.allocations.map((a) => [a.owner, a]));
        for (const [id, entry] of entries) {
          const range = ranges.get(entry.poolId);
          instruments.push({
            id,
            name: entry.name,
            voices: entry.instrument.voices,
            ...(range === undefined ? {} : { worklet: range.worklet, start: range.start }),
          });
        }
        return {
          mode,
          strategy: strategy.name,
          workletCount: poolStats.workletCount,
          totalVoices: poolStats.totalVoices,
          allocatedVoices: poolStats.allocatedVoices,
          freeVoices: poolStats.freeVoices,
          nodesCreated: poolStats.nodesCreated,
          instruments,
          render: poolStats.render,
          degraded: degradedList(),
          warnings: warnings(),
        };
      }
      // Without a pool, a dedicated instrument's worklet holds exactly its voices, and a
      // simplified one holds voices but no worklet.
      let worklets = 0;
      let voices = 0;
      for (const [id, entry] of entries) {
        const own = entry.dedicated ? worklets++ : undefined;
        if (entry.dedicated || mode === 'simplified') voices += entry.instrument.voices;
        instruments.push({
          id,
          name: entry.name,
          voices: entry.instrument.voices,
          ...(own === undefined ? {} : { worklet: own, start: 0 }),
        });
      }
      return {
        mode,
        strategy: mode === 'dedicated' ? 'dedicated' : 'none',
        workletCount: worklets,
        totalVoices: voices,
        allocatedVoices: voices,
        freeVoices: 0,
        nodesCreated: dedicatedNodes,
        instruments,
        render: [],
        degraded: degradedList(),
        warnings: warnings(),
      };
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
      const { frames, sampleRate } = checkRenderOptions(
        renderOptions,
        context,
        songDurationOf(song, renderOptions),
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
  // A closed context can play nothing again: release everything, and say why from then on.
  // An offline context also ends 'closed' once it has rendered; that is its normal end,
  // and the bank stays usable for stats and teardown until the caller disposes it.
  const onStateChange = () => {
    if (context.state !== 'closed' || disposed || isOfflineContext(context)) return;
    closed = true;
    bank.dispose();
  };
  context.addEventListener('statechange', onStateChange);
  const dispose = bank.dispose;
  bank.dispose = () => {
    context.removeEventListener('statechange', onStateChange);
    dispose();
  };
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
