// Calls in the wrong order, on disposed objects or on a context that no longer renders:
// each must settle with a typed error naming what was wrong, never wait forever. Every
// call goes through `settles`, so a hang fails the test with the call's name.
import { AudioContext } from 'node-web-audio-api';
import { afterEach, describe, expect, it } from 'vitest';
import { failure, settles } from '../../../test-support/settles.js';
import { NodeAudioWorkletNode, offlineContext, renderPending } from '../test/node-audio.js';
import { loopedSampler } from '../test/patches.js';
import { createDedicatedInstrument } from './dedicated-instrument.js';
import { createSampleInstrument } from './sample-instrument.js';
import { createWorkletPool } from './worklet-pool.js';

afterEach(renderPending);

const node = { AudioWorkletNode: NodeAudioWorkletNode };

describe('after an OfflineAudioContext has rendered, calls that need the audio thread fail with CONTEXT_CLOSED', () => {
  it('report, flush, createInstrument, instrument.flush and checkHealth settle with it', async () => {
    const ctx = offlineContext(1024);
    const pool = await createWorkletPool(ctx, node);
    const lead = await pool.createInstrument('lead', loopedSampler(), { voices: 4 });
    lead.noteOn({ time: 0, period: 428 });
    await pool.flush();
    await ctx.startRendering();
    const closed = { code: 'CONTEXT_CLOSED', message: expect.stringContaining('finished rendering') };
    expect(await failure('pool.report()', pool.report())).toMatchObject(closed);
    expect(await failure('pool.flush()', pool.flush())).toMatchObject(closed);
    expect(await failure('lead.flush()', lead.flush())).toMatchObject(closed);
    expect(
      await failure('pool.createInstrument()', pool.createInstrument('bass', loopedSampler(), { voices: 4 })),
    ).toMatchObject(closed);
    // No ping can be answered there, and no node could be restored.
    expect(await failure('pool.checkHealth()', pool.checkHealth(50))).toMatchObject(closed);
    // Nothing half-made is left behind.
    expect(pool.stats()).toMatchObject({ allocatedVoices: 4, allocations: [{ owner: 'lead' }] });
    pool.dispose();
  });

  it('createWorkletPool and createDedicatedInstrument on a finished context fail at once', async () => {
    const ctx = offlineContext(256);
    await ctx.startRendering();
    expect(await failure('createWorkletPool()', createWorkletPool(ctx, node))).toMatchObject({
      code: 'CONTEXT_CLOSED',
    });
    expect(
      await failure(
        'createDedicatedInstrument()',
        createDedicatedInstrument(ctx, 'd', loopedSampler(), { voices: 4, ...node }),
      ),
    ).toMatchObject({ code: 'CONTEXT_CLOSED' });
  });

  it('a request waiting when a real-time context closes fails instead of waiting forever', async () => {
    const options: AudioContextOptions & { sinkId: { type: 'none' } } = { sinkId: { type: 'none' } };
    const context = new AudioContext(options);
    const pool = await createWorkletPool(context as unknown as BaseAudioContext, node);
    await pool.createInstrument('lead', loopedSampler(), { voices: 4 });
    const closing = context.close();
    // Watched from the start: it may fail while close() is still under way.
    const report = settles('pool.report() across close()', pool.report());
    await closing;
    const result = await report;
    // The reply may have beaten the close; otherwise the request fails with the reason.
    if (!result.ok) expect(result.error).toMatchObject({ code: 'CONTEXT_CLOSED' });
    expect(await failure('pool.flush() after close()', pool.flush())).toMatchObject({
      code: 'CONTEXT_CLOSED',
      message: expect.stringContaining('AudioContext was closed'),
    });
    pool.dispose();
  });
});

describe('calls on disposed objects and in the wrong state', () => {
  it('a disposed pool refuses every call with DISPOSED', async () => {
    const ctx = offlineContext(256);
    const pool = await createWorkletPool(ctx, node);
    pool.dispose();
    pool.dispose();
    const disposed = { code: 'DISPOSED' };
    expect(
      await failure('createInstrument', () => pool.createInstrument('a', loopedSampler(), { voices: 4 })),
    ).toMatchObject(disposed);
    expect(await failure('report', () => pool.report())).toMatchObject(disposed);
    expect(await failure('flush', () => pool.flush())).toMatchObject(disposed);
    expect(await failure('compact', () => pool.compact())).toMatchObject(disposed);
    expect(await failure('checkHealth', () => pool.checkHealth())).toMatchObject(disposed);
    expect(await failure('reset', () => pool.reset())).toMatchObject(disposed);
    await ctx.startRendering();
  });

  it('an instrument disposed, or its pool reset, refuses notes and flush with DISPOSED', async () => {
    const ctx = offlineContext(256);
    const pool = await createWorkletPool(ctx, node);
    const a = await pool.createInstrument('a', loopedSampler(), { voices: 4 });
    const b = await pool.createInstrument('b', loopedSampler(), { voices: 4 });
    a.dispose();
    pool.reset();
    for (const instrument of [a, b]) {
      expect(await failure('noteOn', () => instrument.noteOn({ time: 0, period: 428 }))).toMatchObject({
        code: 'DISPOSED',
      });
      expect(await failure('flush', () => instrument.flush())).toMatchObject({ code: 'DISPOSED' });
    }
    const sample = await createSampleInstrument(ctx, 's', loopedSampler(), { voices: 2 });
    sample.dispose();
    expect(await failure('sample noteOn', () => sample.noteOn({ time: 0, period: 428 }))).toMatchObject({
      code: 'DISPOSED',
    });
    pool.dispose();
    await ctx.startRendering();
  });

  it('a second compact() while one runs says so (INVALID_STATE)', async () => {
    const ctx = offlineContext(256);
    const pool = await createWorkletPool(ctx, node);
    await pool.createInstrument('a', loopedSampler(), { voices: 4 });
    const first = pool.compact();
    expect(await failure('second compact()', () => pool.compact())).toMatchObject({
      code: 'INVALID_STATE',
      message: expect.stringContaining('already under way'),
    });
    expect((await settles('first compact()', first)).ok).toBe(true);
    pool.dispose();
    await ctx.startRendering();
  });

  it('out-of-range sizes name the argument', async () => {
    const ctx = offlineContext(256);
    expect(
      await failure('voicesPerWorklet 1000', () =>
        createWorkletPool(ctx, { ...node, voicesPerWorklet: 1000 }),
      ),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'createWorkletPool: voicesPerWorklet must be an integer in 1..64, got 1000',
    });
    const pool = await createWorkletPool(ctx, node);
    expect(
      await failure('voices 0', () => pool.createInstrument('a', loopedSampler(), { voices: 0 })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('options.voices must be a whole number >= 1, got 0'),
    });
    expect(
      await failure('voices 17', () => pool.createInstrument('a', loopedSampler(), { voices: 17 })),
    ).toMatchObject({
      name: 'PoolError',
      code: 'REQUEST_TOO_LARGE',
    });
    expect(pool.stats().allocatedVoices).toBe(0);
    pool.dispose();
    await ctx.startRendering();
  });
});
