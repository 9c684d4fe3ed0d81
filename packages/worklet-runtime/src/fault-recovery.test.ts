// A processor that fails is replaced: a new node, the same slots restored, the other
// worklets untouched. The failures are real ones, asked for with the test-only
// `fail-for-test` message that only the testing build of the processor (the `./testing`
// entry) obeys, on a running node-web-audio-api context (no output device).
import { AudioContext } from 'node-web-audio-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeAudioWorkletNode, RATE } from '../test/node-audio.js';
import { loopedSampler } from '../test/patches.js';
import type { WorkletRuntimeError } from './errors.js';
import { createWorkletPool, type WorkletPool, type WorkletPoolOptions } from './testing.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let context: AudioContext;
beforeEach(() => {
  const options: AudioContextOptions & { sinkId: { type: 'none' } } = {
    sinkId: { type: 'none' },
    sampleRate: RATE,
  };
  context = new AudioContext(options);
});
afterEach(async () => {
  if (context.state !== 'closed') await context.close();
});

/** Two worklets of four voices: 'a' fills worklet 0, 'b' worklet 1, both holding a looped note. */
async function twoWorklets(errors: WorkletRuntimeError[], options: Partial<WorkletPoolOptions> = {}) {
  const pool = await createWorkletPool(context as unknown as BaseAudioContext, {
    AudioWorkletNode: NodeAudioWorkletNode,
    voicesPerWorklet: 4,
    strategy: 'best-fit',
    onError: (e) => errors.push(e),
    ...options,
  });
  const a = await pool.createInstrument('a', loopedSampler(), { voices: 3 });
  const b = await pool.createInstrument('b', loopedSampler(), { voices: 4 });
  const at = context.currentTime + 0.02;
  a.noteOn({ time: at, voice: 1, period: 300 });
  b.noteOn({ time: at, voice: 2, period: 300 });
  await pool.flush();
  await voicesBecome(pool, 0, [1, 0, 0, 0]);
  await voicesBecome(pool, 1, [1, 0, 0, 0]);
  return { pool, a, b };
}

async function activeVoices(pool: WorkletPool, index: number): Promise<readonly number[]> {
  return (await (await pool.engineNode(index))?.report())?.activeVoices ?? [];
}

/** Polls until worklet `index` reports `expected` (a loaded machine's clock may lag behind its notes). */
async function voicesBecome(pool: WorkletPool, index: number, expected: readonly number[]): Promise<void> {
  let last: readonly number[] = [];
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    last = await activeVoices(pool, index);
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await sleep(20);
  }
  expect(last, `active voices of worklet ${index}`).toEqual(expected);
}

describe('fault recovery (node-web-audio-api, running context)', () => {
  it('replaces a processor that throws: new node, slots restored, the other worklet untouched', async () => {
    const errors: WorkletRuntimeError[] = [];
    const { pool, a, b } = await twoWorklets(errors);
    const failing = await pool.engineNode(0);
    const other = await pool.engineNode(1);
    const before = pool.stats();

    failing?.post({ type: 'fail-for-test', mode: 'throw' });
    await until('the replacement', () => pool.stats().replacements === 1);
    await pool.recovered();

    const after = pool.stats();
    expect(after).toMatchObject({ workletCount: 2, liveNodes: 2, nodesCreated: 3, replacements: 1 });
    // Same ranges as before, by the core's own record.
    expect(after.allocations).toEqual(before.allocations);
    expect(a.worklet).toBe(0);
    expect(await pool.engineNode(0)).not.toBe(failing);
    // The other worklet is the same node, still playing its note.
    expect(await pool.engineNode(1)).toBe(other);
    expect(await activeVoices(pool, 1)).toEqual([1, 0, 0, 0]);
    // The restored instrument plays again in its slot of the new node.
    a.noteOn({ time: context.currentTime + 0.01, voice: 0, period: 320 });
    await a.flush();
    await voicesBecome(pool, 0, [1, 0, 0, 0]);
    expect(b.worklet).toBe(1);
    expect(errors).toEqual([]);
    pool.dispose();
  });

  it('replaces a processor that stops answering a ping within the bound', async () => {
    const errors: WorkletRuntimeError[] = [];
    const { pool, a } = await twoWorklets(errors);
    const hanging = await pool.engineNode(0);
    await hanging?.request({ type: 'fail-for-test', mode: 'hang' });
    expect(await pool.checkHealth(300)).toEqual([0]);
    await pool.recovered();
    expect(pool.stats()).toMatchObject({ workletCount: 2, liveNodes: 2, nodesCreated: 3, replacements: 1 });
    expect(await pool.checkHealth(1000)).toEqual([]);
    // Healthy nodes stay: checks in quick succession, and overlapping ones, replace nothing.
    for (let i = 0; i < 5; i++) expect(await pool.checkHealth(1000)).toEqual([]);
    expect((await Promise.all([pool.checkHealth(1000), pool.checkHealth(1000)])).flat()).toEqual([]);
    await sleep(50);
    expect(await pool.checkHealth(1000)).toEqual([]);
    expect(pool.stats().replacements).toBe(1);
    a.noteOn({ time: context.currentTime + 0.01, voice: 2, period: 250 });
    await a.flush();
    await voicesBecome(pool, 0, [1, 0, 0, 0]);
    // An instrument created after the recovery lands in the free voice of the new node.
    const c = await pool.createInstrument('c', loopedSampler(), { voices: 1 });
    expect(c.worklet).toBe(0);
    expect(errors).toEqual([]);
    pool.dispose();
  });

  it('with shared outputs, wires the replacement node to the pool bus', async () => {
    const errors: WorkletRuntimeError[] = [];
    const analyser = context.createAnalyser();
    analyser.connect(context.destination);
    const { pool, a, b } = await twoWorklets(errors, {
      outputs: 'shared',
      destination: analyser as unknown as AudioNode,
    });
    const level = () => {
      const data = new Float32Array(analyser.fftSize);
      analyser.getFloatTimeDomainData(data);
      return Math.max(...data.map(Math.abs));
    };
    (await pool.engineNode(0))?.post({ type: 'fail-for-test', mode: 'throw' });
    await until('the replacement', () => pool.stats().replacements === 1);
    await pool.recovered();
    // Only the restored instrument sounds now: whatever the bus carries comes from the new node.
    b.noteOff({ time: context.currentTime });
    await until('silence', () => level() === 0);
    a.noteOn({ time: context.currentTime + 0.01, voice: 0, period: 320, volume: 64 });
    await a.flush();
    await until('the restored instrument on the bus', () => level() > 0.1);
    expect(errors).toEqual([]);
    pool.dispose();
  });

  it('refuses the test-only message when it is malformed', async () => {
    const { pool } = await twoWorklets([]);
    const engine = await pool.engineNode(0);
    await expect(
      engine?.request({ type: 'fail-for-test', mode: 'explode' as 'throw' }),
    ).rejects.toMatchObject({
      code: 'PROCESSOR_ERROR',
      message: expect.stringContaining('mode must be one of throw, hang'),
    });
    pool.dispose();
  });
});
