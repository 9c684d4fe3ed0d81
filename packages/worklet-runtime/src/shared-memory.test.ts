// The engines of one context share one WebAssembly.Memory: hundreds of them start where
// one memory each would hit the browser's cap, each still plays its own samples from its
// own region, disposing returns their memory, a full memory is reported as WASM_MEMORY,
// and a processor that fails leaves the other engines of its scope intact. Run on
// node-web-audio-api with the testing build of the processor (its memory cap and faults).
import { afterEach, describe, expect, it } from 'vitest';
import { NodeAudioWorkletNode, offlineContext, RATE, renderPending } from '../test/node-audio.js';
import { WorkletRuntimeError } from './errors.js';
import type { SamplerPatch } from './patch.js';
import {
  capEngineMemoryForTest,
  createDedicatedInstrument,
  createWorkletPool,
  type DedicatedInstrument,
} from './testing.js';

afterEach(async () => {
  capEngineMemoryForTest(undefined);
  await renderPending();
});

const node = { AudioWorkletNode: NodeAudioWorkletNode };
/** Frames between two instruments' notes: each sounds alone in its window. */
const WINDOW = 128;
const NOTE = 64;

/** A one-shot of NOTE frames holding the constant `level`, played at one frame per frame. */
function level(levelValue: number, frames = NOTE): SamplerPatch {
  return {
    kind: 'sampler',
    data: new Float32Array(frames).fill(levelValue),
    loopStart: 0,
    loopLength: 0,
    interpolation: 'none',
    baseFrequency: RATE,
  };
}

/** Mean of the left channel over the steady middle of window `w`. */
function windowMean(left: Float32Array, w: number): number {
  let sum = 0;
  const from = w * WINDOW + 8;
  const to = w * WINDOW + NOTE - 8;
  for (let i = from; i < to; i++) sum += left[i] as number;
  return sum / (to - from);
}

describe('engines sharing one memory per context', () => {
  it('300 dedicated instruments start in one context and each plays its own note', async () => {
    // Past the 128 memories Chromium lets a page hold; the Chromium suite goes past 512.
    const count = 300;
    const context = offlineContext(count * WINDOW + WINDOW);
    const instruments: DedicatedInstrument[] = [];
    for (let i = 0; i < count; i++) {
      instruments.push(
        await createDedicatedInstrument(context, `d${i}`, level((i + 1) / 1024), { ...node, voices: 4 }),
      );
    }
    instruments.forEach((instrument, i) => {
      instrument.noteOn({ time: (i * WINDOW) / RATE, frequency: RATE, volume: 64 });
    });
    // A pooled engine in the same context reports the memory they all share.
    const pool = await createWorkletPool(context, node);
    await pool.createInstrument('probe', level(0), { voices: 4 });
    const report = await pool.report();
    const bytes = report.render[0]?.memoryBytes ?? 0;
    await Promise.all(instruments.map((instrument) => instrument.flush()));
    const left = (await context.startRendering()).getChannelData(0);
    const unit = windowMean(left, 0);
    expect(unit).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) expect(windowMean(left, i) / unit).toBeCloseTo(i + 1, 4);
    // One memory of their own each would be at least a 64 KiB page per engine.
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(count * 65536);
  }, 600_000);

  it('disposing instruments and pools returns their memory: cycles do not grow it', async () => {
    const context = offlineContext(128);
    const sampleFrames = 64 * 1024; // 256 KiB of float samples per instrument
    const sizes: number[] = [];
    for (let cycle = 0; cycle < 6; cycle++) {
      const pool = await createWorkletPool(context, { ...node, strategy: 'dedicated' });
      for (let i = 0; i < 12; i++)
        await pool.createInstrument(`i${i}`, level(0.5, sampleFrames), { voices: 4 });
      const dedicated = await createDedicatedInstrument(context, 'd', level(0.5, sampleFrames), {
        ...node,
        voices: 4,
      });
      sizes.push((await pool.report()).render[0]?.memoryBytes ?? 0);
      dedicated.dispose();
      pool.dispose();
    }
    // Every cycle holds about 3.3 MB; without reuse six cycles would hold 20 MB.
    const first = sizes[1] as number;
    expect(first).toBeGreaterThan(13 * sampleFrames * 4);
    expect(sizes[5]).toBeLessThanOrEqual(first * 1.5);
    await context.startRendering();
  }, 240_000);

  it('a full engine memory fails createInstrument with WASM_MEMORY, keeping what is loaded', async () => {
    capEngineMemoryForTest(4); // 256 KiB for every engine and sample of the context
    const context = offlineContext(WINDOW * 2);
    const errors: WorkletRuntimeError[] = [];
    const pool = await createWorkletPool(context, {
      ...node,
      strategy: 'dedicated',
      onError: (error) => errors.push(error),
    });
    const kept = await pool.createInstrument('kept', level(0.25), { voices: 4 });
    const tooBig = await pool.createInstrument('big', level(0.5, 128 * 1024), { voices: 4 }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(tooBig).toBeInstanceOf(WorkletRuntimeError);
    expect(tooBig).toMatchObject({ code: 'WASM_MEMORY' });
    expect((tooBig as Error).message).toMatch(
      /WebAssembly memory: 524288 sample bytes .* engines in \d+ bytes/,
    );
    let refused: unknown = null;
    for (let i = 0; i < 200 && refused === null; i++) {
      refused = await pool.createInstrument(`e${i}`, level(0.5), { voices: 4 }).then(
        () => null,
        (error: unknown) => error,
      );
    }
    expect(refused).toBeInstanceOf(WorkletRuntimeError);
    expect(refused).toMatchObject({ code: 'WASM_MEMORY' });
    expect((refused as Error).message).toMatch(
      /WebAssembly memory: a 16-voice engine needs \d+ bytes, but the context's shared engine memory holds \d+ engines in 262144 bytes and cannot grow/,
    );
    // The refused engine also said so on its own, as the same typed error.
    expect(errors.some((error) => error.code === 'WASM_MEMORY')).toBe(true);
    kept.noteOn({ time: 0, frequency: RATE, volume: 64 });
    // The refused node stays in the pool and refuses a ping, so flush the kept instrument only.
    await kept.flush();
    const left = (await context.startRendering()).getChannelData(0);
    expect(windowMean(left, 0)).toBeGreaterThan(0.2);
  }, 240_000);

  it('a processor that fails leaves the other engines of its scope intact', async () => {
    const context = offlineContext(4 * WINDOW);
    const pool = await createWorkletPool(context, { ...node, strategy: 'dedicated', onError: () => {} });
    const levels = [0.125, 0.25, 0.375];
    const instruments = [];
    for (const [i, l] of levels.entries())
      instruments.push(await pool.createInstrument(`i${i}`, level(l), { voices: 4 }));
    const failing = await pool.engineNode(1);
    await failing?.request({ type: 'fail-for-test', mode: 'throw' });
    instruments.forEach((instrument, i) => {
      instrument.noteOn({ time: ((i + 1) * WINDOW) / RATE, frequency: RATE, volume: 64 });
    });
    await pool.flush();
    const left = (await context.startRendering()).getChannelData(0);
    // The failed engine (window 2) is silent; its neighbours play their own levels.
    expect(windowMean(left, 1)).toBeGreaterThan(0);
    expect(windowMean(left, 3) / windowMean(left, 1)).toBeCloseTo(3, 5);
  }, 240_000);
});
