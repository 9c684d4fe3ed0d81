// The same song's instruments laid out with and without pooling, computed by pool-core
// itself (the allocator the runtime uses), so the figure needs no audio nodes at all.
import { createVoicePool, isPoolError } from '@workletpool/pool-core';
import { resolveStrategy, type StrategyName } from '@workletpool/strategies';

/** One instrument's request. */
export interface InstrumentRequest {
  readonly id: string;
  readonly voices: number;
}

/** One worklet of a modelled layout: its size and the ranges it holds. */
export interface ModelWorklet {
  readonly voices: number;
  readonly ranges: readonly { readonly owner: string; readonly start: number; readonly count: number }[];
}

/** A modelled layout. */
export interface ModelLayout {
  readonly label: string;
  /** AudioWorkletNodes the layout needs (one per worklet). */
  readonly worklets: number;
  /** Voices the worklets hold in total. */
  readonly totalVoices: number;
  /** Voices the instruments asked for. */
  readonly requestedVoices: number;
  readonly rows: readonly ModelWorklet[];
  /** Set when the layout cannot hold the song (the pool's error message). */
  readonly error?: string;
}

/** The layout a pooled bank with `strategy` and `voicesPerWorklet` gives `instruments`. */
export function pooledLayout(
  instruments: readonly InstrumentRequest[],
  strategy: StrategyName,
  voicesPerWorklet: number,
): ModelLayout {
  const requestedVoices = instruments.reduce((sum, i) => sum + i.voices, 0);
  const label = `pooled · ${strategy}`;
  try {
    const pool = createVoicePool({ strategy: resolveStrategy(strategy), voicesPerWorklet });
    for (const instrument of instruments) pool.allocate(instrument.id, instrument.voices);
    const stats = pool.stats();
    const rows: ModelWorklet[] = Array.from({ length: stats.workletCount }, (_, worklet) => ({
      voices: voicesPerWorklet,
      ranges: stats.allocations
        .filter((a) => a.worklet === worklet)
        .map((a) => ({ owner: a.owner, start: a.start, count: a.count })),
    }));
    return { label, worklets: stats.workletCount, totalVoices: stats.totalVoices, requestedVoices, rows };
  } catch (error) {
    if (!isPoolError(error)) throw error;
    return { label, worklets: 0, totalVoices: 0, requestedVoices, rows: [], error: error.message };
  }
}

/** The layout without pooling: one worklet per instrument, sized to it. */
export function dedicatedLayout(instruments: readonly InstrumentRequest[]): ModelLayout {
  const requestedVoices = instruments.reduce((sum, i) => sum + i.voices, 0);
  return {
    label: 'no pooling · one worklet per instrument',
    worklets: instruments.length,
    totalVoices: requestedVoices,
    requestedVoices,
    rows: instruments.map((i) => ({
      voices: i.voices,
      ranges: [{ owner: i.id, start: 0, count: i.voices }],
    })),
  };
}
