// node-web-audio-api as the tests use it: an OfflineAudioContext with a real AudioWorklet.
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import type { AudioWorkletNodeConstructor } from '../src/engine-node.js';

/** node-web-audio-api's AudioWorkletNode, typed as the runtime expects it. */
export const NodeAudioWorkletNode = AudioWorkletNode as unknown as AudioWorkletNodeConstructor;

/** Sample rate of every test context. */
export const RATE = 48000;

const created: OfflineAudioContext[] = [];
const rendered = new WeakSet<OfflineAudioContext>();

/** A stereo (or `channels`-channel) OfflineAudioContext of `frames` frames at RATE. */
export function offlineContext(frames: number, numberOfChannels = 2): OfflineAudioContext {
  const context = new OfflineAudioContext({ numberOfChannels, length: frames, sampleRate: RATE });
  const start = context.startRendering.bind(context);
  context.startRendering = () => {
    rendered.add(context);
    return start();
  };
  created.push(context);
  return context;
}

/**
 * Renders every context a test created but did not render (e.g. after a failed
 * assertion): an unrendered context with worklets slows every later render in the process.
 * Register it with `afterEach(renderPending)`.
 */
export async function renderPending(): Promise<void> {
  for (const context of created.splice(0)) {
    if (!rendered.has(context)) await context.startRendering();
  }
}

/** The Amiga period whose PAL rate equals RATE, so a sampler steps one frame per frame. */
export const UNIT_PERIOD = 7093789.2 / (2 * RATE);

/** Both channels of a rendered buffer. */
export function channels(buffer: AudioBuffer): [Float32Array, Float32Array] {
  return [buffer.getChannelData(0), buffer.getChannelData(1)];
}

export { fadeError, firstSound, soundEnd, TAIL_FRAMES } from './signal.js';
