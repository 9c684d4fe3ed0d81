// The reference a pool is held to: each of the four test samplers played alone, on a
// dedicated worklet in an offline context of its own.
import { createDedicatedInstrument } from '../src/dedicated-instrument.js';
import type { Instrument } from '../src/instrument.js';
import type { SamplerPatch } from '../src/patch.js';
import { channels, NodeAudioWorkletNode, offlineContext } from './node-audio.js';
import { fourSamplers, play } from './patches.js';

/**
 * Renders `frames` frames of each test sampler alone, playing `play(inst, k)`; `prepare`
 * runs first on each (to set its mix, say).
 */
export async function soloRenders(
  frames: number,
  prepare?: (inst: Instrument, k: number) => void,
): Promise<[Float32Array, Float32Array][]> {
  const patches = fourSamplers();
  const solo: [Float32Array, Float32Array][] = [];
  for (let k = 0; k < 4; k++) {
    const ctx = offlineContext(frames);
    const inst = await createDedicatedInstrument(ctx, `i${k}`, patches[k] as SamplerPatch, {
      voices: 4,
      AudioWorkletNode: NodeAudioWorkletNode,
    });
    prepare?.(inst, k);
    play(inst, k);
    await inst.flush();
    solo.push(channels(await ctx.startRendering()));
  }
  return solo;
}
