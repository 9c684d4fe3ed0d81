// Offline render speed of the same song with and without pooling, measured on demand in
// this browser: every worklet adds a fixed cost per render quantum, and this shows it.
import { createSongBank, type Song } from '@workletpool/songbank';
import type { StrategyName } from '@workletpool/strategies';

/** One measured configuration. */
export interface RenderSpeed {
  readonly label: string;
  /** AudioWorkletNodes the offline bank created. */
  readonly nodes: number;
  /** Wall-clock seconds of the render itself (the nodes exist beforehand). */
  readonly wallSeconds: number;
  /** Audio seconds rendered per wall-clock second. */
  readonly realTimeFactor: number;
  /** Peak absolute sample of the render, to show both renders made sound. */
  readonly peak: number;
}

/** What to measure. */
export interface RenderSpeedOptions {
  readonly song: Song;
  readonly seconds: number;
  readonly sampleRate: number;
  readonly strategy: StrategyName;
  readonly voicesPerWorklet: number;
}

function peakOf(buffer: AudioBuffer): number {
  let peak = 0;
  for (let channel = 0; channel < buffer.numberOfChannels; channel++) {
    for (const sample of buffer.getChannelData(channel)) peak = Math.max(peak, Math.abs(sample));
  }
  return peak;
}

async function measure(label: string, pooling: boolean, options: RenderSpeedOptions): Promise<RenderSpeed> {
  const context = new OfflineAudioContext({
    numberOfChannels: 2,
    length: Math.ceil(options.seconds * options.sampleRate),
    sampleRate: options.sampleRate,
  });
  const bank = await createSongBank(context, {
    pooling,
    strategy: options.strategy,
    voicesPerWorklet: options.voicesPerWorklet,
  });
  try {
    // Create the instruments first, so the timing covers rendering only.
    await bank.prepareSong(options.song);
    const started = performance.now();
    // render() on an offline bank renders this very context, so none is left unrendered.
    const buffer = await bank.render(options.song, { seconds: options.seconds });
    const wallSeconds = (performance.now() - started) / 1000;
    return {
      label,
      nodes: bank.getStats().nodesCreated,
      wallSeconds,
      realTimeFactor: options.seconds / wallSeconds,
      peak: peakOf(buffer),
    };
  } finally {
    bank.dispose();
  }
}

/** Renders `options.seconds` of the song pooled, then without pooling, one after the other. */
export async function compareRenderSpeed(
  options: RenderSpeedOptions,
): Promise<readonly [RenderSpeed, RenderSpeed]> {
  const pooled = await measure(`pooled · ${options.strategy}`, true, options);
  const dedicated = await measure('no pooling', false, options);
  return [pooled, dedicated];
}

/**
 * Audio-thread time one extra worklet costs per 128-frame render quantum, in
 * microseconds, from two renders of the same song that differ in node count; undefined
 * when the difference is lost in the noise.
 */
export function perWorkletCost(
  pooled: RenderSpeed,
  dedicated: RenderSpeed,
  seconds: number,
  sampleRate: number,
): number | undefined {
  const extraNodes = dedicated.nodes - pooled.nodes;
  const extraSeconds = dedicated.wallSeconds - pooled.wallSeconds;
  if (extraNodes <= 0 || extraSeconds <= 0) return undefined;
  const quanta = (seconds * sampleRate) / 128;
  return (extraSeconds / extraNodes / quanta) * 1e6;
}
