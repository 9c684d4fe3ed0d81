// Page script for the Chromium fault suite: a processor told to fail (the test-only
// `fail-for-test` message, obeyed by the testing entry's processor build) is replaced
// mid-render and its instrument plays again.
import { createWorkletPool } from '../../dist/testing.js';
import { loopedSampler } from '../patches.js';

const RATE = 48000;

function rms(data: Float32Array, from: number, to: number): number {
  let sum = 0;
  const a = Math.round(from * RATE);
  const b = Math.round(to * RATE);
  for (let i = a; i < b; i++) sum += (data[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, b - a));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Renders 1 s: 'a' (worklet 0) and 'b' (worklet 1) play; at 0.25 s worklet 0 is told to
 * fail (`throw`: its process() throws; `hang`: it stops answering, found by checkHealth);
 * 'a' plays again at 0.55 s.
 */
export async function failMidRender(mode: 'throw' | 'hang'): Promise<{
  replacements: number;
  nodesCreated: number;
  sameRanges: boolean;
  otherNodeKept: boolean;
  a: number[];
  b: number[];
  errors: string[];
}> {
  const ctx = new OfflineAudioContext({ numberOfChannels: 2, length: RATE, sampleRate: RATE });
  const errors: string[] = [];
  const silent = ctx.createGain();
  silent.gain.value = 0;
  silent.connect(ctx.destination);
  const pool = await createWorkletPool(ctx, {
    outputs: 'per-instrument',
    destination: silent,
    voicesPerWorklet: 4,
    strategy: 'best-fit',
    onError: (e) => errors.push(e.message),
  });
  const a = await pool.createInstrument('a', loopedSampler(), { voices: 3 });
  const b = await pool.createInstrument('b', loopedSampler(), { voices: 4 });
  const merger = ctx.createChannelMerger(2);
  merger.connect(ctx.destination);
  a.output.connect(merger, 0, 0);
  b.output.connect(merger, 0, 1);
  a.noteOn({ time: 0, period: 300 });
  b.noteOn({ time: 0, period: 300 });
  await pool.flush();
  const before = JSON.stringify(pool.stats().allocations);
  const failing = await pool.engineNode(0);
  const other = await pool.engineNode(1);
  void ctx.suspend(0.25).then(async () => {
    // Both processors have been rendering: the health check's baseline.
    await pool.checkHealth(200);
    await failing?.request({ type: 'fail-for-test', mode });
    if (mode === 'hang') await pool.checkHealth(200);
    await ctx.resume();
  });
  void ctx.suspend(0.5).then(async () => {
    // A processor that threw: replaced on processorerror where the host fires it, else
    // when the health check finds it stopped rendering.
    if (mode === 'throw' && pool.stats().replacements === 0) await pool.checkHealth(200);
    for (let i = 0; i < 500 && pool.stats().replacements === 0; i++) await sleep(10);
    await pool.recovered();
    a.noteOn({ time: 0.55, period: 300 });
    await a.flush();
    await ctx.resume();
  });
  const out = await ctx.startRendering();
  const stats = pool.stats();
  const left = out.getChannelData(0);
  const right = out.getChannelData(1);
  const segments: [number, number][] = [
    [0, 0.2],
    [0.3, 0.5],
    [0.6, 1],
  ];
  return {
    replacements: stats.replacements,
    nodesCreated: stats.nodesCreated,
    sameRanges: JSON.stringify(stats.allocations) === before,
    otherNodeKept: (await pool.engineNode(1)) === other,
    a: segments.map(([f, t]) => rms(left, f, t)),
    b: segments.map(([f, t]) => rms(right, f, t)),
    errors,
  };
}
