/**
 * The song bank's public option and report types, apart from the code, so the registry,
 * the stats and the façade share them without importing one another.
 */
import type { Strategy } from '@workletpool/pool-core';
import type { StrategyName } from '@workletpool/strategies';
import type {
  AudioNodeLike,
  AudioWorkletNodeConstructor,
  CommandTransport,
  Instrument,
  InstrumentPatch,
  WorkletRenderStats,
} from '@workletpool/worklet-runtime';
import type { PlayOptions, RenderOptions, SongPlayer } from './player.js';
import type { Song } from './song.js';
import type { SongBankWarning } from './song-bank-warning.js';

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
   * Outputs of a pooled bank's instruments; the default is the pool's ('shared': each
   * worklet has one stereo output with the sum of its instruments, and mute, solo, gain,
   * pan and meters of each instrument come from the engine's mixer). 'per-instrument'
   * gives each instrument its own output node, for effect chains per instrument, at a
   * cost; see worklet-runtime's WorkletPoolOptions.outputs.
   */
  readonly outputs?: 'per-instrument' | 'shared';
  /** Play MOD samples with AudioBufferSourceNodes, no worklet at all (default false). */
  readonly simplifiedMod?: boolean;
  /** Stereo separation of the LRRL channel panning, 0 (mono) to 1 (hard, as on an Amiga); default 1. */
  readonly stereoSeparation?: number;
  /** Gain of the master output (default 0.475: four hard-panned channels reach 0.95, see "Level" in the README). */
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
