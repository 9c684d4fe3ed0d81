// The pool on real nodes (node-web-audio-api): placement into slots, sharing a node is
// inaudible (pooled render = sum of solo renders), reset, compaction and disposal.
import { PoolError } from '@workletpool/pool-core';
import { dedicated } from '@workletpool/strategies';
import { afterEach, describe, expect, it } from 'vitest';
import {
  channels,
  fadeError,
  firstSound,
  NodeAudioWorkletNode,
  offlineContext,
  RATE,
  renderPending,
  soundEnd,
  TAIL_FRAMES,
  UNIT_PERIOD,
} from '../test/node-audio.js';
import { fourSamplers, loopedSampler, play } from '../test/patches.js';
import { soloRenders } from '../test/solo-renders.js';
import type { WorkletRuntimeError } from './errors.js';
import { encodeCommands } from './protocol.js';
import { createWorkletPool } from './worklet-pool.js';

afterEach(renderPending);

const node = { AudioWorkletNode: NodeAudioWorkletNode };

describe('slots per node', () => {
  it('gives each node one slot when the strategy declares itself exclusive, whatever its name', async () => {
    const ctx = offlineContext(128);
    const strategy = { ...dedicated(), name: 'one-each' };
    const pool = await createWorkletPool(ctx, {
      strategy,
      voicesPerWorklet: 8,
      outputs: 'per-instrument',
      ...node,
    });
    const a = await pool.createInstrument('a', loopedSampler(), { voices: 2 });
    const b = await pool.createInstrument('b', loopedSampler(), { voices: 2 });
    expect([a.worklet, b.worklet, a.slot, b.slot]).toEqual([0, 1, 0, 0]);
    expect((await pool.engineNode(0))?.node.numberOfOutputs).toBe(1);
    const shared = await createWorkletPool(ctx, {
      strategy: 'first-fit',
      voicesPerWorklet: 8,
      outputs: 'per-instrument',
      ...node,
    });
    // By default a node has one stereo output, whatever the strategy.
    const mixed = await createWorkletPool(ctx, { strategy: 'first-fit', voicesPerWorklet: 8, ...node });
    await mixed.createInstrument('d', loopedSampler(), { voices: 2 });
    expect((await mixed.engineNode(0))?.node.numberOfOutputs).toBe(1);
    await shared.createInstrument('c', loopedSampler(), { voices: 2 });
    expect((await shared.engineNode(0))?.node.numberOfOutputs).toBe(8);
    await ctx.startRendering();
  });
});

describe('WorkletPool in node-web-audio-api', () => {
  it('isolation: four samplers in one pooled worklet render exactly as each alone in its own worklet', async () => {
    const frames = 12000;
    const patches = fourSamplers();
    const solo = await soloRenders(frames);
    // Pooled render: per-instrument outputs on channels 2k, 2k+1, and the graph's sum on 8, 9.
    const ctx = offlineContext(frames, 10);
    const merger = ctx.createChannelMerger(10);
    merger.connect(ctx.destination);
    const sum = ctx.createGain();
    const sumSplit = ctx.createChannelSplitter(2);
    sum.connect(sumSplit);
    sumSplit.connect(merger, 0, 8);
    sumSplit.connect(merger, 1, 9);
    const pool = await createWorkletPool(ctx, { destination: sum, outputs: 'per-instrument', ...node });
    const instruments = await Promise.all(
      patches.map((p, k) => pool.createInstrument(`i${k}`, p, { voices: 4 })),
    );
    expect(pool.stats().nodesCreated).toBe(1);
    instruments.forEach((inst, k) => {
      const split = ctx.createChannelSplitter(2);
      inst.output.connect(split);
      split.connect(merger, 0, 2 * k);
      split.connect(merger, 1, 2 * k + 1);
      play(inst, k);
    });
    await pool.flush();
    const out = await ctx.startRendering();
    let worst = 0;
    let energy = 0;
    for (let k = 0; k < 4; k++) {
      for (let c = 0; c < 2; c++) {
        const pooled = out.getChannelData(2 * k + c);
        const alone = solo[k]?.[c] as Float32Array;
        for (let i = 0; i < frames; i++) {
          worst = Math.max(worst, Math.abs((pooled[i] as number) - (alone[i] as number)));
          energy += Math.abs(alone[i] as number);
        }
      }
    }
    for (let c = 0; c < 2; c++) {
      const summed = out.getChannelData(8 + c);
      for (let i = 0; i < frames; i++) {
        const expected = solo.reduce((a, s) => a + (s[c]?.[i] as number), 0);
        worst = Math.max(worst, Math.abs((summed[i] as number) - expected));
      }
    }
    expect(energy).toBeGreaterThan(1000); // the comparison is of real sound
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('shared outputs: one stereo output per worklet carries exactly the sum of the instruments alone', async () => {
    const frames = 12000;
    const solo = await soloRenders(frames);
    const ctx = offlineContext(frames);
    const pool = await createWorkletPool(ctx, { outputs: 'shared', voicesPerWorklet: 8, ...node });
    // A fifth instrument in the second worklet is disposed before the render: its slot
    // falls silent and the others play on through the same bus.
    const patches = [...fourSamplers(), loopedSampler()];
    const instruments = [];
    for (const [k, p] of patches.entries())
      instruments.push(await pool.createInstrument(`i${k}`, p, { voices: 4 }));
    for (const [k, inst] of instruments.entries()) play(inst, k % 4);
    instruments[4]?.dispose();
    await pool.flush();
    expect(pool.stats().nodesCreated).toBe(3);
    expect(new Set(instruments.map((i) => i.output)).size).toBe(1);
    for (let w = 0; w < 3; w++) expect((await pool.engineNode(w))?.node.numberOfOutputs).toBe(1);
    const out = channels(await ctx.startRendering());
    let worst = 0;
    let energy = 0;
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < frames; i++) {
        const expected = solo.reduce((a, s) => a + (s[c]?.[i] as number), 0);
        worst = Math.max(worst, Math.abs((out[c]?.[i] as number) - expected));
        energy += Math.abs(expected);
      }
    }
    expect(energy).toBeGreaterThan(1000);
    expect(worst).toBeLessThanOrEqual(1e-6);
    await expect(createWorkletPool(ctx, { outputs: 'mixed' as 'shared', ...node })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('"mixed"'),
    });
  });

  it.each([
    [7, 2],
    [31, 8],
  ])(
    '%i instruments x 4 voices with fixed blocks create exactly %i AudioWorkletNodes, even when asked at once',
    async (count, nodes) => {
      const ctx = offlineContext(256);
      const pool = await createWorkletPool(ctx, { strategy: 'fixed-blocks', ...node });
      const patch = loopedSampler();
      await Promise.all(
        Array.from({ length: count }, (_, i) => pool.createInstrument(`inst-${i}`, patch, { voices: 4 })),
      );
      const stats = pool.stats();
      expect(stats.nodesCreated).toBe(nodes);
      expect(stats.liveNodes).toBe(nodes);
      expect(stats.workletCount).toBe(nodes);
      expect(stats.allocatedVoices).toBe(count * 4);
      await ctx.startRendering();
    },
  );

  it('a pooled note at frame F starts at frame F, and a one-shot stops at its end', async () => {
    const ctx = offlineContext(8192);
    const pool = await createWorkletPool(ctx, node);
    await pool.createInstrument('pad', loopedSampler(), { voices: 4 });
    const data = Int8Array.from({ length: 1500 }, (_, i) => ((i * 11) % 250) - 125 || 3);
    const lead = await pool.createInstrument(
      'lead',
      { kind: 'sampler', data, loopStart: 0, loopLength: 2 },
      { voices: 4 },
    );
    const frame = 2 * 128 + 77;
    lead.noteOn({ time: frame / RATE, period: UNIT_PERIOD });
    await lead.flush();
    const [left] = channels(await ctx.startRendering());
    expect(firstSound(left)).toBe(frame);
    // Exact to its last frame, which then fades out over the tail instead of stepping.
    expect(soundEnd(left)).toBe(frame + data.length + TAIL_FRAMES);
    expect(fadeError(left, frame + data.length)).toBeLessThan(1e-6);
    expect(left[frame + 100]).toBeCloseTo((data[100] as number) / 128, 6);
  });

  it('a looped sample keeps sounding for 10 s', async () => {
    const ctx = offlineContext(RATE * 10);
    const pool = await createWorkletPool(ctx, node);
    const pad = await pool.createInstrument('pad', loopedSampler(), { voices: 4 });
    pad.noteOn({ time: 0, period: 428 });
    await pool.flush();
    const [left] = channels(await ctx.startRendering());
    for (let second = 0; second < 10; second++) {
      const chunk = left.slice(second * RATE, (second + 1) * RATE);
      expect(Math.max(...chunk.map(Math.abs))).toBeGreaterThan(0.5);
    }
  });

  it('a bad message gets an error reply and the other instruments keep sounding', async () => {
    const ctx = offlineContext(RATE);
    const errors: WorkletRuntimeError[] = [];
    const pool = await createWorkletPool(ctx, { ...node, onError: (e) => errors.push(e) });
    const a = await pool.createInstrument('a', loopedSampler(), { voices: 4 });
    const b = await pool.createInstrument('b', loopedSampler(), { voices: 4 });
    a.noteOn({ time: 0, period: 428, pan: -1 });
    b.noteOn({ time: 0, period: 320, pan: 1 });
    const engine = await pool.engineNode(0);
    const batch = encodeCommands(76, [
      { type: 'note-on', id: 77, frame: 10, slot: 1, voice: 0, period: 428, pan: 0, offset: 0, velocity: 1 },
      { type: 'set', id: 78, frame: 10, slot: 0, voice: 1, volume: Number.NaN },
    ]);
    engine?.postRaw(batch, [batch.records.buffer]);
    engine?.postRaw({ type: 'format-disk', id: 79 });
    await pool.flush();
    const [left, right] = channels(await ctx.startRendering());
    expect(errors.map((e) => e.message)).toEqual([
      `processor refused (VOICE_OUT_OF_RANGE): "note-on" #77: voice 0 is outside slot 1's voices 4..7`,
      `processor refused (INVALID_FIELD): "set" #78: volume must be a finite number, got NaN`,
      `processor refused (UNKNOWN_TYPE): message #79: unknown type "format-disk"`,
    ]);
    const tail = (x: Float32Array) => Math.max(...x.slice(x.length - 4800).map(Math.abs));
    expect(tail(left)).toBeGreaterThan(0.5);
    expect(tail(right)).toBeGreaterThan(0.5);
  });

  it('reuses its nodes after reset and releases them on dispose', async () => {
    const ctx = offlineContext(256);
    const pool = await createWorkletPool(ctx, node);
    const patch = loopedSampler();
    for (let i = 0; i < 7; i++) await pool.createInstrument(`a${i}`, patch, { voices: 4 });
    pool.reset();
    expect(pool.stats().allocatedVoices).toBe(0);
    for (let i = 0; i < 7; i++) await pool.createInstrument(`b${i}`, patch, { voices: 4 });
    expect(pool.stats().nodesCreated).toBe(2);
    pool.instrument('b3')?.dispose();
    expect(pool.stats().allocatedVoices).toBe(24);
    await pool.createInstrument('c', patch, { voices: 3 });
    expect(pool.stats().nodesCreated).toBe(2);
    pool.dispose();
    expect(pool.stats().liveNodes).toBe(0);
    await expect(pool.createInstrument('d', patch, { voices: 1 })).rejects.toMatchObject({
      code: 'DISPOSED',
    });
    await ctx.startRendering();
  });

  it.each(['per-instrument', 'shared'] as const)(
    'compaction moves instruments into fewer nodes, releases the emptied node, and the moved ones play (%s outputs)',
    async (outputs) => {
      const ctx = offlineContext(4800);
      const pool = await createWorkletPool(ctx, { outputs, ...node });
      for (let i = 0; i < 8; i++) await pool.createInstrument(`i${i}`, loopedSampler(), { voices: 4 });
      for (const id of ['i0', 'i1', 'i2', 'i4']) pool.instrument(id)?.dispose();
      const plan = await pool.compact();
      expect(plan.removedWorklets).toEqual([1]);
      expect(plan.moves.map((m) => m.owner).sort()).toEqual(['i5', 'i6', 'i7']);
      const stats = pool.stats();
      expect([stats.workletCount, stats.liveNodes, stats.nodesCreated]).toEqual([1, 1, 2]);
      const moved = pool.instrument('i7');
      expect(moved?.worklet).toBe(0);
      moved?.noteOn({ time: 0, period: 428, pan: -1 });
      pool.instrument('i3')?.noteOn({ time: 0, period: 428, pan: 1 });
      await pool.flush();
      const [left, right] = channels(await ctx.startRendering());
      expect(Math.max(...left.map(Math.abs))).toBeGreaterThan(0.5);
      expect(Math.max(...right.map(Math.abs))).toBeGreaterThan(0.5);
    },
  );

  it('fails cleanly: pool exhausted, duplicate ids and bad patches change nothing', async () => {
    const ctx = offlineContext(256);
    const pool = await createWorkletPool(ctx, { ...node, maxWorklets: 1 });
    const patch = loopedSampler();
    for (let i = 0; i < 4; i++) await pool.createInstrument(`i${i}`, patch, { voices: 4 });
    const before = pool.stats();
    const exhausted = pool.createInstrument('extra', patch, { voices: 1 });
    await expect(exhausted).rejects.toBeInstanceOf(PoolError);
    await expect(exhausted).rejects.toMatchObject({ code: 'POOL_EXHAUSTED' });
    await expect(pool.createInstrument('i0', patch, { voices: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      pool.createInstrument('x', { ...patch, loopStart: 1900, loopLength: 1000 }, { voices: 1 }),
    ).rejects.toMatchObject({
      code: 'INVALID_PATCH',
      message:
        "WorkletPool.createInstrument('x'): patch.loopLength: loop 1900+1000 runs past the sample's 2000 frames",
    });
    await expect(pool.createInstrument('y', patch, { voices: 17 })).rejects.toMatchObject({
      name: 'PoolError',
      code: 'REQUEST_TOO_LARGE',
      message: expect.stringContaining('options.voices is 17; a worklet of this pool holds 16'),
    });
    expect(pool.stats()).toEqual(before);
    await ctx.startRendering();
  });

  it('chooses voices round-robin, then steals the oldest released, then the oldest playing', async () => {
    const ctx = offlineContext(256);
    const pool = await createWorkletPool(ctx, node);
    const inst = await pool.createInstrument('rr', loopedSampler(), { voices: 3 });
    const picks = [0, 1, 2].map((t) => inst.noteOn({ time: t, period: 428 }));
    inst.noteOff({ time: 4, voice: 1 });
    inst.noteOff({ time: 3.5, voice: 2 });
    picks.push(inst.noteOn({ time: 5, period: 428 }));
    picks.push(inst.noteOn({ time: 6, period: 428 }));
    picks.push(inst.noteOn({ time: 7, period: 428 }));
    expect(picks).toEqual([0, 1, 2, 2, 1, 0]);
    await ctx.startRendering();
  });

  it('reports active voices per slot and memory per worklet', async () => {
    const ctx = offlineContext(256);
    const pool = await createWorkletPool(ctx, node);
    await pool.createInstrument('a', loopedSampler(), { voices: 4 });
    const stats = await pool.report();
    expect(stats.render).toHaveLength(1);
    expect(stats.render[0]?.activeVoices).toEqual([0, 0, 0, 0]);
    expect(stats.render[0]?.memoryBytes).toBeLessThanOrEqual(2000 + 256 * 1024);
    await ctx.startRendering();
  });

  it('plays synth instruments in pooled slots', async () => {
    const ctx = offlineContext(4800);
    const pool = await createWorkletPool(ctx, node);
    const synth = await pool.createInstrument(
      'bass',
      {
        kind: 'synth',
        waveform: 'saw',
        attack: 0.001,
        decay: 0.02,
        sustain: 0.6,
        release: 0.01,
        cutoff: 2000,
        resonance: 0.3,
      },
      { voices: 2 },
    );
    synth.noteOn({ time: 0, frequency: 110, velocity: 0.8 });
    synth.noteOff({ time: 0.05 });
    await pool.flush();
    const [left] = channels(await ctx.startRendering());
    expect(Math.max(...left.slice(0, 2400).map(Math.abs))).toBeGreaterThan(0.2);
    expect(soundEnd(left, 1e-6)).toBeLessThan(Math.round(0.05 * RATE) + Math.round(0.01 * RATE) + 128);
  });
});

describe('one port for the pool', () => {
  it('sends what every node is sent in one task as one message, and every reply comes back', async () => {
    const ctx = offlineContext(RATE / 4);
    const pool = await createWorkletPool(ctx, { strategy: 'fixed-blocks', voicesPerWorklet: 8, ...node });
    // Fixed blocks of four voices in 8-voice worklets: four instruments take two nodes.
    const instruments = await Promise.all(
      fourSamplers().map((patch, k) => pool.createInstrument(`i${k}`, patch, { voices: 4 })),
    );
    expect(new Set(instruments.map((i) => i.worklet)).size).toBe(2);
    await Promise.all(instruments.map((i) => i.flush()));
    const before = pool.stats().mail;
    // One task: notes for all four instruments, on both nodes.
    instruments.forEach((inst, k) => {
      play(inst, k);
    });
    await new Promise((resolve) => setTimeout(resolve, 0)); // the task and its microtasks are over
    const after = pool.stats().mail;
    expect(after.messages - before.messages).toBe(1);
    expect(after.carried - before.carried).toBe(2); // one batch of records per node
    // Requests to both nodes are answered through the same port.
    await Promise.all(instruments.map((i) => i.flush()));
    const out = await ctx.startRendering();
    expect(channels(out)[0].some((x) => x !== 0)).toBe(true);
  });
});
