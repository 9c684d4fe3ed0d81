// The engine's mixer on real nodes (node-web-audio-api, real WASM): gain and pan keep a
// pooled render equal to the instruments rendered alone with the same settings, mute and
// solo work across the nodes of a pool, meters read what each instrument adds to the mix,
// and an instrument's mix moves with it through compaction and fault recovery.
import { AudioContext } from 'node-web-audio-api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  channels,
  NodeAudioWorkletNode,
  offlineContext,
  RATE,
  renderPending,
  UNIT_PERIOD,
} from '../test/node-audio.js';
import { fourSamplers, play } from '../test/patches.js';
import { soloRenders } from '../test/solo-renders.js';
import type { Instrument, InstrumentMeter } from './instrument.js';
import type { SamplerPatch } from './patch.js';
import { createDedicatedInstrument, createWorkletPool, type WorkletRuntimeError } from './testing.js';

afterEach(renderPending);

const node = { AudioWorkletNode: NodeAudioWorkletNode };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A looped sample that holds `level`, so every frame of its sound is known. */
function dc(level: number): SamplerPatch {
  return { kind: 'sampler', data: new Float32Array(64).fill(level), loopStart: 0, loopLength: 64 };
}

/** Gain, pan and a later gain change for instrument k, the same calls pooled and alone. */
function mixFor(inst: Instrument, k: number): void {
  inst.setGain([0.5, 1.5, 0.25, 2][k] as number);
  inst.setPan([-0.75, 0.3, 1, -1][k] as number);
  inst.setGain([1, 0.2, 3, 0.6][k] as number, (2000 + 300 * k) / RATE);
  inst.setPan(0.5 - 0.25 * k, (5000 + 111 * k) / RATE);
  if (k === 1) inst.setMute(true);
}

/** Polls `read` until `done` holds of its value (a loaded machine's audio thread may lag). */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const end = Date.now() + 20_000;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}, last ${JSON.stringify(last)}`);
    await sleep(15);
    last = await read();
  }
  return last;
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;
const reads = (m: InstrumentMeter, peak: [number, number], rms: [number, number]) =>
  near(m.peak[0], peak[0]) && near(m.peak[1], peak[1]) && near(m.rms[0], rms[0]) && near(m.rms[1], rms[1]);

describe('the mixer, pooled = alone with the same gain and pan', () => {
  for (const outputs of ['shared', 'per-instrument'] as const) {
    it(`${outputs} outputs: the pool's sum equals the sum of the instruments alone, to 1e-6`, async () => {
      const frames = 9000;
      const solo = await soloRenders(frames, mixFor);
      const plain = await soloRenders(frames);
      const ctx = offlineContext(frames);
      const pool = await createWorkletPool(ctx, { outputs, ...node });
      const patches = fourSamplers();
      const instruments = await Promise.all(
        patches.map((p, k) => pool.createInstrument(`i${k}`, p, { voices: 4 })),
      );
      expect(pool.stats().nodesCreated).toBe(1);
      instruments.forEach((inst, k) => {
        mixFor(inst, k);
        play(inst, k);
      });
      await pool.flush();
      const out = await ctx.startRendering();
      let worst = 0;
      let unmixed = 0;
      let energy = 0;
      for (let c = 0; c < 2; c++) {
        const pooled = out.getChannelData(c);
        for (let i = 0; i < frames; i++) {
          const expected = solo.reduce((a, s) => a + (s[c]?.[i] as number), 0);
          const without = plain.reduce((a, s) => a + (s[c]?.[i] as number), 0);
          worst = Math.max(worst, Math.abs((pooled[i] as number) - expected));
          unmixed = Math.max(unmixed, Math.abs((pooled[i] as number) - without));
          energy += Math.abs(expected);
        }
      }
      expect(energy).toBeGreaterThan(500); // real sound
      expect(unmixed).toBeGreaterThan(0.1); // the gains did something
      expect(worst).toBeLessThanOrEqual(1e-6);
    });
  }

  it('renders the same, to 1e-6, whether meters are kept (a pass per slot) or not (unity slots write straight out)', async () => {
    const frames = 9000;
    const renders: [Float32Array, Float32Array][] = [];
    for (const metered of [false, true]) {
      const ctx = offlineContext(frames);
      const pool = await createWorkletPool(ctx, node);
      const instruments = await Promise.all(
        fourSamplers().map((p, k) => pool.createInstrument(`i${k}`, p, { voices: 4 })),
      );
      // Two instruments keep unity gain; two change theirs partway through.
      instruments.forEach((inst, k) => {
        if (k >= 2) mixFor(inst, k);
        play(inst, k);
      });
      if (metered) await instruments[0]?.meter();
      await pool.flush();
      renders.push(channels(await ctx.startRendering()));
    }
    let worst = 0;
    let energy = 0;
    for (let c = 0; c < 2; c++) {
      const [a, b] = [renders[0]?.[c], renders[1]?.[c]] as [Float32Array, Float32Array];
      for (let i = 0; i < frames; i++) {
        worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
        energy += Math.abs(a[i] as number);
      }
    }
    expect(energy).toBeGreaterThan(500);
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('a muted instrument adds nothing, and the mute (like a gain change) ramps over 1 ms', async () => {
    const frames = 4800;
    const ctx = offlineContext(frames);
    const pool = await createWorkletPool(ctx, node);
    const a = await pool.createInstrument('a', dc(0.5), { voices: 1 });
    a.noteOn({ time: 0, period: UNIT_PERIOD, volume: 64 });
    a.setMute(true);
    a.setMute(false);
    a.setGain(0.5, 1000 / RATE);
    a.setPan(1, 2000 / RATE);
    await pool.flush();
    const [l, r] = channels(await ctx.startRendering());
    // setMute(true) then false at once: the ramp turns back before it went anywhere.
    expect(l[500]).toBeCloseTo(0.5, 6);
    expect(l[999]).toBeCloseTo(0.5, 6);
    // The gain moves to 0.25 over 48 frames, in even steps.
    expect(l[1000]).toBeLessThan(0.5);
    expect(l[1000]).toBeGreaterThan(0.49);
    expect(l[1047]).toBeCloseTo(0.25, 6);
    // Panned hard right: the left side ramps to silence, the right stays.
    expect(l[2047]).toBeCloseTo(0, 6);
    expect(r[2047]).toBeCloseTo(0.25, 6);
    for (let i = 1; i < frames; i++)
      expect(Math.abs((l[i] as number) - (l[i - 1] as number))).toBeLessThan(0.006);
  });
});

describe('mute, solo and meters on a running context', () => {
  let context: AudioContext | undefined;
  afterEach(async () => {
    if (context && context.state !== 'closed') await context.close();
  });

  function running(): BaseAudioContext {
    const options: AudioContextOptions & { sinkId: { type: 'none' } } = {
      sinkId: { type: 'none' },
      sampleRate: RATE,
    };
    context = new AudioContext(options);
    return context as unknown as BaseAudioContext;
  }

  it('shared outputs: meters read gain and pan; solo in one node mutes the other node; unsolo restores', async () => {
    const ctx = running();
    const pool = await createWorkletPool(ctx, { voicesPerWorklet: 8, ...node });
    const a = await pool.createInstrument('a', dc(0.5), { voices: 4 });
    const b = await pool.createInstrument('b', dc(0.25), { voices: 4 });
    const c = await pool.createInstrument('c', dc(0.5), { voices: 4 });
    expect([a.worklet, b.worklet, c.worklet]).toEqual([0, 0, 1]);
    expect((await pool.engineNode(0))?.node.numberOfOutputs).toBe(1);
    for (const inst of [a, b, c])
      inst.noteOn({ time: ctx.currentTime + 0.02, period: UNIT_PERIOD, volume: 64 });
    await until(
      'a sounding',
      () => a.meter(),
      (m) => reads(m, [0.5, 0.5], [0.5, 0.5]),
    );
    a.setGain(0.5);
    a.setPan(1);
    await until(
      'a at half gain, hard right',
      () => a.meter(),
      (m) => reads(m, [0, 0.25], [0, 0.25]),
    );
    c.setSolo(true);
    expect(c.mix).toEqual({ gain: 1, pan: 0, mute: false, solo: true });
    await until(
      'a muted by c',
      () => a.meter(),
      (m) => reads(m, [0, 0], [0, 0]),
    );
    await until(
      'b muted by c',
      () => b.meter(),
      (m) => reads(m, [0, 0], [0, 0]),
    );
    expect(reads(await c.meter(), [0.5, 0.5], [0.5, 0.5])).toBe(true);
    b.setSolo(true);
    await until(
      'b soloed too',
      () => b.meter(),
      (m) => reads(m, [0.25, 0.25], [0.25, 0.25]),
    );
    c.setMute(true);
    await until(
      'c muted though soloed',
      () => c.meter(),
      (m) => reads(m, [0, 0], [0, 0]),
    );
    b.setSolo(false);
    c.setSolo(false);
    c.setMute(false);
    await until(
      'a back',
      () => a.meter(),
      (m) => reads(m, [0, 0.25], [0, 0.25]),
    );
    await until(
      'c back',
      () => c.meter(),
      (m) => reads(m, [0.5, 0.5], [0.5, 0.5]),
    );
    // The solo of a disposed instrument no longer mutes the others.
    b.setSolo(true);
    await until(
      'a muted by b',
      () => a.meter(),
      (m) => reads(m, [0, 0], [0, 0]),
    );
    b.dispose();
    await until(
      'a back after b left',
      () => a.meter(),
      (m) => reads(m, [0, 0.25], [0, 0.25]),
    );
  });

  it('per-instrument outputs and dedicated instruments take the same mixer calls', async () => {
    const ctx = running();
    const pool = await createWorkletPool(ctx, { outputs: 'per-instrument', ...node });
    const a = await pool.createInstrument('a', dc(0.5), { voices: 4 });
    const d = await createDedicatedInstrument(ctx, 'd', dc(0.5), { voices: 1, ...node });
    for (const inst of [a, d]) inst.noteOn({ time: ctx.currentTime + 0.02, period: UNIT_PERIOD, volume: 64 });
    a.setGain(2);
    d.setPan(-0.5);
    await until(
      'a at gain 2',
      () => a.meter(),
      (m) => reads(m, [1, 1], [1, 1]),
    );
    await until(
      'd panned left',
      () => d.meter(),
      (m) => reads(m, [0.5, 0.25], [0.5, 0.25]),
    );
    d.setMute(true);
    await until(
      'd muted',
      () => d.meter(),
      (m) => reads(m, [0, 0], [0, 0]),
    );
    // A dedicated instrument is a group of its own: its solo mutes nobody else.
    d.setMute(false);
    d.setSolo(true);
    await until(
      'd soloed',
      () => d.meter(),
      (m) => reads(m, [0.5, 0.25], [0.5, 0.25]),
    );
    expect(reads(await a.meter(), [1, 1], [1, 1])).toBe(true);
  });

  it('an instrument keeps its gain, pan and mute when its node fails and is replaced', async () => {
    const ctx = running();
    const errors: WorkletRuntimeError[] = [];
    const pool = await createWorkletPool(ctx, {
      voicesPerWorklet: 4,
      onError: (e) => errors.push(e),
      ...node,
    });
    const a = await pool.createInstrument('a', dc(0.5), { voices: 4 });
    const b = await pool.createInstrument('b', dc(0.5), { voices: 4 });
    a.setGain(0.5);
    a.setPan(-1);
    b.setSolo(true);
    const failing = await pool.engineNode(0);
    failing?.post({ type: 'fail-for-test', mode: 'throw' });
    const end = Date.now() + 20_000;
    while (pool.stats().replacements < 1 && Date.now() < end) await sleep(10);
    await pool.recovered();
    a.noteOn({ time: ctx.currentTime + 0.02, period: UNIT_PERIOD, volume: 64 });
    b.noteOn({ time: ctx.currentTime + 0.02, period: UNIT_PERIOD, volume: 64 });
    await until(
      'b sounding',
      () => b.meter(),
      (m) => reads(m, [0.5, 0.5], [0.5, 0.5]),
    );
    // Still muted by b's solo; unsoloed, at its own gain and pan.
    expect(reads(await a.meter(), [0, 0], [0, 0])).toBe(true);
    b.setSolo(false);
    await until(
      'a at its mix',
      () => a.meter(),
      (m) => reads(m, [0.25, 0], [0.25, 0]),
    );
    expect(a.mix).toEqual({ gain: 0.5, pan: -1, mute: false, solo: false });
  });
});

describe('mix state across compaction', () => {
  it('a moved instrument keeps its gain, and a muted one stays muted', async () => {
    const frames = 2048;
    const ctx = offlineContext(frames);
    const pool = await createWorkletPool(ctx, { voicesPerWorklet: 8, strategy: 'first-fit', ...node });
    const x = await pool.createInstrument('x', dc(0.1), { voices: 4 });
    const y = await pool.createInstrument('y', dc(0.3), { voices: 4 });
    const z = await pool.createInstrument('z', dc(0.5), { voices: 4 });
    expect(z.worklet).toBe(1);
    z.setGain(0.5);
    y.setMute(true);
    x.dispose();
    await pool.compact();
    expect(z.worklet).toBe(0);
    y.noteOn({ time: 0, period: UNIT_PERIOD, volume: 64 });
    z.noteOn({ time: 0, period: UNIT_PERIOD, volume: 64 });
    await pool.flush();
    const [l] = channels(await ctx.startRendering());
    expect(l[1000]).toBeCloseTo(0.25, 6);
  });
});

describe('bad mixer values', () => {
  it('throw INVALID_ARGUMENT naming the value, and change nothing', async () => {
    const ctx = offlineContext(128);
    const pool = await createWorkletPool(ctx, node);
    const a = await pool.createInstrument('a', dc(0.5), { voices: 1 });
    const cases: [string, () => void, string][] = [
      ['gain -1', () => a.setGain(-1), 'gain must be a number in 0..16, got -1'],
      ['gain NaN', () => a.setGain(Number.NaN), 'gain must be a number in 0..16, got NaN'],
      ['gain 17', () => a.setGain(17), 'got 17'],
      ['pan 2', () => a.setPan(2), 'pan must be a number in -1..1, got 2'],
      ['time -1', () => a.setGain(1, -1), 'time must be a number'],
      ['mute', () => a.setMute('yes' as unknown as boolean), 'mute must be true or false, got yes'],
      ['solo', () => a.setSolo(1 as unknown as boolean), 'solo must be true or false, got 1'],
    ];
    for (const [what, call, says] of cases) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error, what).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((error as Error).message, what).toContain(says);
      expect((error as Error).message, what).toContain("instrument 'a'");
    }
    expect(a.mix).toEqual({ gain: 1, pan: 0, mute: false, solo: false });
    a.dispose();
    expect(() => a.setGain(1)).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
    await ctx.startRendering();
  });
});
