// Tails survive the main thread's disconnections: on a running node-web-audio-api context
// (no output device), a held level of 0.9 is recorded by a recording worklet while an
// instrument is disposed, the pool is reset, disposed or compacted, or a dedicated
// instrument is disposed. A constant level makes the measure independent of when the
// cut lands: with declicking on, the sound ends in steps of 0.9/49 (the 1 ms fade); with
// it off the same action steps by 0.9, which shows the measure can tell. Disconnecting
// at once, before the tail played, would step by up to 0.9 as well.
import { AudioContext } from 'node-web-audio-api';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeAudioWorkletNode, RATE } from '../test/node-audio.js';
import { createDedicatedInstrument } from './dedicated-instrument.js';
import type { Instrument } from './instrument.js';
import type { SamplerPatch } from './patch.js';
import { createWorkletPool, type WorkletPool } from './worklet-pool.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the audio clock reaches `time` (a loaded machine's clock lags behind the wall clock). */
async function until(time: number): Promise<void> {
  const end = Date.now() + 30_000;
  while (context.currentTime < time) {
    if (Date.now() > end)
      throw new Error(`the audio clock stayed at ${context.currentTime} s, short of ${time} s`);
    await sleep(10);
  }
}
const UNIT_PERIOD = 7093789.2 / (2 * RATE);
const LEVEL = 0.9;

const RECORDER = `registerProcessor('workletpool-test-recorder', class extends AudioWorkletProcessor {
  process(inputs) {
    const input = inputs[0];
    if (input && input[0]) this.port.postMessage([input[0].slice(), (input[1] ?? input[0]).slice()]);
    return true;
  }
});`;

let context: AudioContext;
const contexts: AudioContext[] = [];
function freshContext(): void {
  const options: AudioContextOptions & { sinkId: { type: 'none' } } = {
    sinkId: { type: 'none' },
    sampleRate: RATE,
  };
  context = new AudioContext(options);
  contexts.push(context);
}
afterEach(async () => {
  for (const c of contexts.splice(0)) if (c.state !== 'closed') await c.close();
});

/** A held level: rises from 0 over its first 480 frames (so a note starts without a step), then loops a constant. */
function level(): SamplerPatch {
  const data = new Float32Array(480 + 64).fill(LEVEL);
  for (let i = 0; i < 480; i++) data[i] = (LEVEL * i) / 480;
  return { kind: 'sampler', data, loopStart: 480, loopLength: 64 };
}

/** A recording node fed by the returned GainNode; `take()` returns what it heard so far. */
async function recorder(): Promise<{ input: GainNode; take(): Float32Array[] }> {
  const ctx = context as unknown as BaseAudioContext;
  const url = URL.createObjectURL(new Blob([RECORDER], { type: 'text/javascript' }));
  await ctx.audioWorklet.addModule(url);
  URL.revokeObjectURL(url);
  // The injected constructor is typed by its shape only; here it is node-web-audio-api's.
  const Recorder = NodeAudioWorkletNode as unknown as typeof AudioWorkletNode;
  const node = new Recorder(ctx, 'workletpool-test-recorder', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [2],
  });
  const input = ctx.createGain();
  input.connect(node);
  // Connected onwards so the host renders it.
  node.connect(ctx.destination);
  const left: Float32Array[] = [];
  const right: Float32Array[] = [];
  node.port.onmessage = (event: MessageEvent<[Float32Array, Float32Array]>) => {
    left.push(event.data[0]);
    right.push(event.data[1]);
  };
  const join = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  return { input, take: () => [join(left), join(right)] };
}

/** Largest step between neighbouring samples of either channel in the 10 ms before the sound's end. */
function endStep(channels: Float32Array[]): number {
  let worst = 0;
  for (const x of channels) {
    let end = x.length;
    while (end > 0 && x[end - 1] === 0) end--;
    for (let i = Math.max(1, end - 480); i <= Math.min(end, x.length - 1); i++) {
      worst = Math.max(worst, Math.abs((x[i] as number) - (x[i - 1] as number)));
    }
  }
  return worst;
}

/** Plays the level on `start`, waits, runs `cut`, waits; returns the step at the sound's end and the peaks. */
async function scene(
  declick: boolean,
  start: (pool: WorkletPool, destination: AudioNode, declick: boolean) => Promise<Instrument>,
  cut: (pool: WorkletPool, instrument: Instrument) => Promise<void> | void,
): Promise<{ step: number; peak: number; endPeak: number }> {
  freshContext();
  const rec = await recorder();
  const pool = await createWorkletPool(context as unknown as BaseAudioContext, {
    AudioWorkletNode: NodeAudioWorkletNode,
    destination: rec.input,
    voicesPerWorklet: 4,
    strategy: 'best-fit',
    declick,
  });
  const instrument = await start(pool, rec.input, declick);
  const noteAt = context.currentTime + 0.05;
  instrument.noteOn({ time: noteAt, voice: 0, period: UNIT_PERIOD });
  await pool.flush();
  await until(noteAt + 0.1);
  await cut(pool, instrument);
  await until(context.currentTime + 0.2);
  const recorded = rec.take();
  const left = recorded[0] as Float32Array;
  let peak = 0;
  for (const x of left) peak = Math.max(peak, Math.abs(x));
  let endPeak = 0;
  for (const x of left.subarray(left.length - 2400)) endPeak = Math.max(endPeak, Math.abs(x));
  await context.close();
  return { step: endStep(recorded), peak, endPeak };
}

const pooled = (pool: WorkletPool) => pool.createInstrument('level', level(), { voices: 4 });

const cuts: [string, Parameters<typeof scene>[1], Parameters<typeof scene>[2]][] = [
  ['instrument.dispose() (slot release)', pooled, (_pool, instrument) => instrument.dispose()],
  ['pool.reset()', pooled, (pool) => pool.reset()],
  ['pool.dispose()', pooled, (pool) => pool.dispose()],
  [
    'pool.compact() moving the sounding instrument to another worklet',
    async (pool) => {
      const filler = await pool.createInstrument('filler', level(), { voices: 3 });
      const moving = await pool.createInstrument('level', level(), { voices: 2 });
      // 'moving' sits on worklet 1; freeing worklet 0 lets compaction move it there.
      filler.dispose();
      return moving;
    },
    async (pool) => {
      const plan = await pool.compact();
      expect(plan.moves).toHaveLength(1);
    },
  ],
  [
    'a dedicated instrument disposed',
    (_pool, destination, declick) =>
      createDedicatedInstrument(context as unknown as BaseAudioContext, 'level', level(), {
        voices: 4,
        destination,
        declick,
        AudioWorkletNode: NodeAudioWorkletNode,
      }),
    (_pool, instrument) => instrument.dispose(),
  ],
];

describe('tails on a running context (node-web-audio-api)', () => {
  it.each(cuts)('%s fades out instead of stepping', async (_name, start, cut) => {
    const on = await scene(true, start, cut);
    const off = await scene(false, start, cut);
    // The level sounded and stopped.
    expect(on.peak).toBeCloseTo(LEVEL, 5);
    expect(on.endPeak).toBe(0);
    expect(off.peak).toBeCloseTo(LEVEL, 5);
    expect(off.endPeak).toBe(0);
    // Without declicking the cut steps by the whole level; with it, by one step of the fade.
    expect(off.step).toBeCloseTo(LEVEL, 5);
    expect(on.step).toBeLessThanOrEqual(LEVEL / 49 + 1e-6);
  });
});
