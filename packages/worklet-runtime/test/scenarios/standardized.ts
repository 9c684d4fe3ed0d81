// Page script for the Chromium interop suite: a pooled instrument played through
// standardized-audio-context's OfflineAudioContext and AudioWorkletNode, against the same
// notes through the browser's own, so any difference is the wrapper's doing.
import {
  AudioWorkletNode as StandardizedAudioWorkletNode,
  OfflineAudioContext as StandardizedOfflineAudioContext,
} from 'standardized-audio-context';
import {
  type AudioContextLike,
  type AudioWorkletNodeConstructor,
  createWorkletPool,
} from '../../dist/index.js';
import { fourSamplers } from '../patches.js';
import { firstSound } from '../signal.js';

const RATE = 48000;
const FRAMES = 12000;
const UNIT_PERIOD = 7093789.2 / (2 * RATE);

/** Renders two instruments sharing one worklet on `context`: notes at frames 1000 and 4000. */
async function render(
  context: AudioContextLike & {
    startRendering(): Promise<{ getChannelData(channel: number): Float32Array }>;
  },
  AudioWorkletNode: AudioWorkletNodeConstructor | undefined,
): Promise<{ left: Float32Array; nodes: number }> {
  const pool = await createWorkletPool(context, AudioWorkletNode === undefined ? {} : { AudioWorkletNode });
  const [a, b] = fourSamplers();
  const first = await pool.createInstrument('a', a!, { voices: 4 });
  const second = await pool.createInstrument('b', b!, { voices: 4 });
  first.noteOn({ time: 1000 / RATE, period: UNIT_PERIOD });
  second.noteOn({ time: 4000 / RATE, period: UNIT_PERIOD / 2, pan: -0.5 });
  await pool.flush();
  const nodes = pool.stats().nodesCreated;
  const buffer = await context.startRendering();
  return { left: buffer.getChannelData(0).slice(), nodes };
}

/** The first sound, node count and largest difference from the browser's own render. */
export async function pooledThroughStandardized(): Promise<{
  first: number;
  nodes: number;
  worst: number;
  energy: number;
}> {
  if (StandardizedAudioWorkletNode === undefined)
    throw new Error('standardized-audio-context has no AudioWorkletNode here');
  const wrapped = await render(
    new StandardizedOfflineAudioContext({ numberOfChannels: 2, length: FRAMES, sampleRate: RATE }),
    StandardizedAudioWorkletNode,
  );
  const native = await render(
    new OfflineAudioContext({ numberOfChannels: 2, length: FRAMES, sampleRate: RATE }),
    undefined,
  );
  let worst = 0;
  let energy = 0;
  for (let i = 0; i < FRAMES; i++) {
    worst = Math.max(worst, Math.abs(wrapped.left[i]! - native.left[i]!));
    energy += Math.abs(native.left[i]!);
  }
  return { first: firstSound(wrapped.left), nodes: wrapped.nodes, worst, energy };
}
