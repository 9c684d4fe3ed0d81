/**
 * The song bank's instruments: creating them on the pool, a dedicated worklet or
 * AudioBufferSourceNodes; replacing and tearing them down; the race tokens that keep a
 * late or superseded request from installing; and the fallback when the pool is full.
 */
import { isPoolError } from '@workletpool/pool-core';
import {
  type AudioWorkletNodeConstructor,
  type CommandTransport,
  createDedicatedInstrument,
  createSampleInstrument,
  type Instrument,
  type InstrumentPatch,
  type WorkletPool,
} from '@workletpool/worklet-runtime';
import { SongBankError } from './song-bank-error.js';
import type { DegradedInstrument, ExhaustedPolicy } from './song-bank-types.js';

/** One live instrument and what the bank knows of it. */
export interface RegistryEntry {
  readonly instrument: Instrument;
  readonly patch: InstrumentPatch;
  /** The id the instrument has in the pool (differs from the bank id while a replacement loads). */
  readonly poolId: string;
  readonly name: string;
  /** It has a worklet of its own (no pool, and not a worklet-free sampler). */
  readonly dedicated: boolean;
  readonly degraded?: DegradedInstrument;
}

/** The node options a worklet instrument is made with. */
export interface WorkletNodeOptions {
  readonly AudioWorkletNode?: AudioWorkletNodeConstructor;
  readonly declick?: boolean;
  readonly transport?: CommandTransport;
}

/** What the registry is built on. */
export interface RegistrySetup {
  readonly context: BaseAudioContext;
  /** Where instruments without a pool connect. */
  readonly master: AudioNode;
  /** The shared pool; absent in dedicated and simplified modes. */
  readonly pool: WorkletPool | undefined;
  /** Sampler patches play on AudioBufferSourceNodes. */
  readonly simplified: boolean;
  readonly onExhausted: ExhaustedPolicy;
  readonly nodeOptions: WorkletNodeOptions;
  /** The bank was disposed: late requests fail with DISPOSED. */
  readonly disposed: () => boolean;
  /** Called once an instrument is installed in a degraded form. */
  readonly onDegraded: (id: string) => void;
}

interface Pending {
  readonly patch: InstrumentPatch;
  readonly voices: number;
  readonly promise: Promise<Instrument>;
  readonly token: object;
}

interface Created {
  readonly instrument: Instrument;
  readonly degraded?: DegradedInstrument['reason'];
}

/** The bank's instruments by id, with their requests still loading. */
export class InstrumentRegistry {
  private readonly entries = new Map<string, RegistryEntry>();
  private readonly pending = new Map<string, Pending>();
  /** Pool ids held by live instruments and by requests still loading. */
  private readonly poolIds = new Set<string>();
  /** Bumped by every reset: requests begun before it are stale. */
  private generation = 0;
  private replacements = 0;
  /** AudioWorkletNodes made for dedicated instruments over the bank's life. */
  dedicatedNodes = 0;

  constructor(private readonly setup: RegistrySetup) {}

  /** The live instruments by bank id. */
  get live(): ReadonlyMap<string, RegistryEntry> {
    return this.entries;
  }

  /** Live instruments the exhausted-pool policy degraded. */
  degraded(): DegradedInstrument[] {
    return [...this.entries.values()].flatMap((entry) =>
      entry.degraded === undefined ? [] : [entry.degraded],
    );
  }

  /** The live instrument `id`, if any. */
  instrument(id: string): Instrument | undefined {
    return this.entries.get(id)?.instrument;
  }

  /** Makes sure `id` exists with `patch` and `voices`; the latest request for an id wins. */
  ensure(id: string, patch: InstrumentPatch, voices: number, name: string): Promise<Instrument> {
    const existing = this.entries.get(id);
    // A degraded instrument counts as what was asked for, so asking again does not rebuild it.
    const had = existing?.degraded?.requested ?? existing?.instrument.voices;
    if (existing !== undefined && existing.patch === patch && had === voices) {
      // The latest call wins: an older request still loading something else for this
      // id is now stale and must not replace what this call returns.
      this.pending.delete(id);
      return Promise.resolve(existing.instrument);
    }
    const inFlight = this.pending.get(id);
    if (inFlight !== undefined && inFlight.patch === patch && inFlight.voices === voices)
      return inFlight.promise;
    const started = this.generation;
    const token = {};
    // A replaced instrument keeps sounding until its successor is ready, so the two
    // briefly coexist in the pool under different pool ids.
    // A torn-down or reset request may still be loading under its pool id, so the id
    // is taken whenever any request or instrument holds it.
    let poolId = id;
    while (this.poolIds.has(poolId)) poolId = `${id}~${++this.replacements}`;
    this.poolIds.add(poolId);
    const { disposed } = this.setup;
    const overtaken = () =>
      disposed() || this.generation !== started || this.pending.get(id)?.token !== token;
    const stale = () =>
      new SongBankError(
        disposed() ? 'DISPOSED' : 'STALE_REQUEST',
        `ensureInstrument("${id}") finished after ${disposed() ? 'dispose' : 'a reset or a newer request'}; not installed`,
      );
    const promise = (async () => {
      let instrument: Instrument;
      let degraded: DegradedInstrument['reason'] | undefined;
      try {
        ({ instrument, degraded } = await this.create(poolId, patch, voices));
      } catch (error) {
        this.poolIds.delete(poolId);
        throw overtaken() ? stale() : error;
      }
      if (overtaken()) {
        instrument.dispose();
        this.poolIds.delete(poolId);
        throw stale();
      }
      this.pending.delete(id);
      const replaced = this.entries.get(id);
      if (replaced !== undefined) this.drop(replaced);
      this.entries.set(id, {
        instrument,
        patch,
        poolId,
        name,
        dedicated: this.setup.pool === undefined && !(this.setup.simplified && patch.kind === 'sampler'),
        ...(degraded === undefined
          ? {}
          : { degraded: { id, reason: degraded, voices: instrument.voices, requested: voices } }),
      });
      if (degraded !== undefined) this.setup.onDegraded(id);
      return instrument;
    })();
    this.pending.set(id, { patch, voices, promise, token });
    promise.catch(() => {
      if (this.pending.get(id)?.token === token) this.pending.delete(id);
    });
    return promise;
  }

  /** Disposes instrument `id` and forgets any request for it; false if there was none. */
  teardown(id: string): boolean {
    this.pending.delete(id);
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    this.drop(entry);
    return true;
  }

  /** Drops every instrument; `stale` also makes every request still loading stale. */
  clear(stale: boolean): void {
    if (stale) this.generation++;
    this.pending.clear();
    for (const entry of this.entries.values()) this.drop(entry);
    this.entries.clear();
  }

  private drop(entry: RegistryEntry): void {
    entry.instrument.dispose();
    this.poolIds.delete(entry.poolId);
  }

  private sampleInstrument(id: string, patch: InstrumentPatch, voices: number): Promise<Instrument> {
    return createSampleInstrument(this.setup.context, id, patch, { voices, destination: this.setup.master });
  }

  private async create(id: string, patch: InstrumentPatch, voices: number): Promise<Created> {
    const { pool, simplified, onExhausted } = this.setup;
    // Synth patches always need an engine; only MOD samples have the no-worklet path.
    if (simplified && patch.kind === 'sampler') {
      return { instrument: await this.sampleInstrument(id, patch, voices) };
    }
    if (pool !== undefined) {
      try {
        return { instrument: await pool.createInstrument(id, patch, { voices }) };
      } catch (error) {
        if (!isPoolError(error, 'POOL_EXHAUSTED') || onExhausted === 'fail') throw error;
        if (onExhausted === 'simplified') {
          // A synth has no worklet-free form: the pool's error stands.
          if (patch.kind !== 'sampler') throw error;
          return { instrument: await this.sampleInstrument(id, patch, voices), degraded: 'simplified' };
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
    this.dedicatedNodes++;
    return {
      instrument: await createDedicatedInstrument(this.setup.context, id, patch, {
        voices,
        destination: this.setup.master,
        ...this.setup.nodeOptions,
      }),
    };
  }
}
