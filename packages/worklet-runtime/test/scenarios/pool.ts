// Page script for the Chromium suite: the pool's key behaviours in a real browser,
// driven through the built package. Every function returns plain data for the test.
import {
  type CommandTransport,
  createDedicatedInstrument,
  createWorkletPool,
  encodeCommands,
  type WorkletRuntimeError,
} from '../../dist/index.js';
import { fourSamplers, loopedSampler, play } from '../patches.js';
import { fadeError, firstSound, soundEnd } from '../signal.js';

const RATE = 48000;
const UNIT_PERIOD = 7093789.2 / (2 * RATE);

function context(frames: number, channels = 2): OfflineAudioContext {
  return new OfflineAudioContext({ numberOfChannels: channels, length: frames, sampleRate: RATE });
}

/** Largest difference between pooled and solo renders (per instrument and summed), and the signal's size. */
export async function isolation(): Promise<{ worst: number; energy: number; nodes: number }> {
  const frames = 12000;
  const patches = fourSamplers();
  const solo: Float32Array[][] = [];
  for (let k = 0; k < 4; k++) {
    const ctx = context(frames);
    const inst = await createDedicatedInstrument(ctx, `i${k}`, patches[k]!, { voices: 4 });
    play(inst, k);
    await inst.flush();
    const b = await ctx.startRendering();
    solo.push([b.getChannelData(0), b.getChannelData(1)]);
  }
  const ctx = context(frames, 10);
  const merger = ctx.createChannelMerger(10);
  merger.connect(ctx.destination);
  const sum = ctx.createGain();
  const sumSplit = ctx.createChannelSplitter(2);
  sum.connect(sumSplit);
  sumSplit.connect(merger, 0, 8);
  sumSplit.connect(merger, 1, 9);
  const pool = await createWorkletPool(ctx, { destination: sum, outputs: 'per-instrument' });
  const instruments = await Promise.all(
    patches.map((p, k) => pool.createInstrument(`i${k}`, p, { voices: 4 })),
  );
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
      const alone = solo[k]![c]!;
      for (let i = 0; i < frames; i++) {
        worst = Math.max(worst, Math.abs(pooled[i]! - alone[i]!));
        energy += Math.abs(alone[i]!);
      }
    }
  }
  for (let c = 0; c < 2; c++) {
    const summed = out.getChannelData(8 + c);
    for (let i = 0; i < frames; i++) {
      const expected = solo.reduce((a, s) => a + s[c]![i]!, 0);
      worst = Math.max(worst, Math.abs(summed[i]! - expected));
    }
  }
  return { worst, energy, nodes: pool.stats().nodesCreated };
}

/** Nodes created for `count` instruments of 4 voices with fixed blocks, asked for at once. */
export async function nodeCount(count: number): Promise<{ nodesCreated: number; workletCount: number }> {
  const ctx = context(256);
  const pool = await createWorkletPool(ctx, { strategy: 'fixed-blocks' });
  const patch = loopedSampler();
  await Promise.all(
    Array.from({ length: count }, (_, i) => pool.createInstrument(`inst-${i}`, patch, { voices: 4 })),
  );
  await ctx.startRendering();
  const { nodesCreated, workletCount } = pool.stats();
  return { nodesCreated, workletCount };
}

/** Where a pooled one-shot at `frame` starts and ends, and whether its samples are exact. */
export async function noteAtFrame(
  frame: number,
  transport: CommandTransport = 'port',
): Promise<{
  first: number;
  end: number;
  exact: boolean;
  length: number;
  fade: number;
  transport: CommandTransport;
}> {
  const ctx = context(8192);
  const pool = await createWorkletPool(ctx, { transport });
  await pool.createInstrument('pad', loopedSampler(), { voices: 4 });
  const data = Int8Array.from({ length: 1500 }, (_, i) => ((i * 11) % 250) - 125 || 3);
  const lead = await pool.createInstrument(
    'lead',
    { kind: 'sampler', data, loopStart: 0, loopLength: 2 },
    { voices: 4 },
  );
  lead.noteOn({ time: frame / RATE, period: UNIT_PERIOD });
  await pool.flush();
  const left = (await ctx.startRendering()).getChannelData(0);
  const first = firstSound(left);
  const end = soundEnd(left);
  const exact = Array.from(data).every((v, i) => Math.abs(left[frame + i]! - v / 128) < 1e-6);
  return {
    first,
    end,
    exact,
    length: data.length,
    fade: fadeError(left, frame + data.length),
    transport: pool.transport,
  };
}

/**
 * Half a second of 3000 scheduled events (more than the shared ring holds, so the port
 * takes over for the rest and hands back), rendered with `transport`: the left channel
 * and whether the page is cross-origin isolated.
 */
export async function manyEvents(
  transport: CommandTransport,
): Promise<{ left: number[]; isolated: boolean; transport: CommandTransport }> {
  const ctx = context(RATE / 2);
  const pool = await createWorkletPool(ctx, { transport });
  const [a, b] = await Promise.all([
    pool.createInstrument('a', loopedSampler(), { voices: 4 }),
    pool.createInstrument('b', fourSamplers()[1]!, { voices: 4 }),
  ]);
  for (let i = 0; i < 1000; i++) {
    const time = (i * 23) / RATE;
    const voice = a.noteOn({ time, period: 200 + (i % 300), pan: ((i % 7) - 3) / 3 });
    a.set({ time: time + 10 / RATE, voice, volume: i % 65 });
    b.noteOn({ time: time + 5 / RATE, voice: i % 4, period: 300 + (i % 100) });
  }
  await pool.flush();
  const left = Array.from((await ctx.startRendering()).getChannelData(0));
  return { left, isolated: globalThis.crossOriginIsolated === true, transport: pool.transport };
}

/** Peak level in each of 10 seconds of a held looped note. */
export async function loopFor10s(): Promise<number[]> {
  const ctx = context(RATE * 10);
  const pool = await createWorkletPool(ctx);
  const pad = await pool.createInstrument('pad', loopedSampler(), { voices: 4 });
  pad.noteOn({ time: 0, period: 428 });
  await pool.flush();
  const left = (await ctx.startRendering()).getChannelData(0);
  return Array.from({ length: 10 }, (_, s) => {
    let peak = 0;
    for (let i = s * RATE; i < (s + 1) * RATE; i++) peak = Math.max(peak, Math.abs(left[i]!));
    return peak;
  });
}

/** Error messages for bad raw messages, and the levels of two instruments at the end. */
export async function badMessage(): Promise<{ errors: string[]; left: number; right: number }> {
  const ctx = context(RATE);
  const errors: string[] = [];
  const pool = await createWorkletPool(ctx, { onError: (e: WorkletRuntimeError) => errors.push(e.message) });
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
  const out = await ctx.startRendering();
  const tail = (x: Float32Array) => Math.max(...Array.from(x.slice(x.length - 4800), Math.abs));
  return { errors, left: tail(out.getChannelData(0)), right: tail(out.getChannelData(1)) };
}

/**
 * The mixer on a running context with the default shared outputs: meters read gain and
 * pan, a solo in one node mutes the other node's instruments, a mute silences one. Each
 * step polls the meters until they read what it expects (or 10 s pass) and says whether
 * they did, with the last reading.
 */
export async function mixer(): Promise<{ outputs: number; steps: [string, boolean, number[]][] }> {
  const ctx = new AudioContext({ sampleRate: RATE });
  await ctx.resume();
  try {
    const pool = await createWorkletPool(ctx, { voicesPerWorklet: 8 });
    const dc = (level: number) =>
      ({ kind: 'sampler', data: new Float32Array(64).fill(level), loopStart: 0, loopLength: 64 }) as const;
    const a = await pool.createInstrument('a', dc(0.5), { voices: 4 });
    const b = await pool.createInstrument('b', dc(0.25), { voices: 4 });
    const c = await pool.createInstrument('c', dc(0.5), { voices: 4 });
    for (const inst of [a, b, c])
      inst.noteOn({ time: ctx.currentTime + 0.05, period: UNIT_PERIOD, volume: 64 });
    const steps: [string, boolean, number[]][] = [];
    const expect = async (what: string, inst: typeof a, peak: [number, number], rms: [number, number]) => {
      const end = Date.now() + 10_000;
      let last: number[] = [];
      for (;;) {
        const m = await inst.meter();
        last = [...m.peak, ...m.rms];
        const want = [...peak, ...rms];
        if (last.every((x, i) => Math.abs(x - (want[i] as number)) < 1e-6)) break;
        if (Date.now() > end) {
          steps.push([what, false, last]);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      steps.push([what, true, last]);
    };
    await expect('a sounds', a, [0.5, 0.5], [0.5, 0.5]);
    a.setGain(0.5);
    a.setPan(1);
    await expect('a at half gain, hard right', a, [0, 0.25], [0, 0.25]);
    c.setSolo(true);
    await expect('a muted by c (other node)', a, [0, 0], [0, 0]);
    await expect('b muted by c (other node)', b, [0, 0], [0, 0]);
    await expect('c soloed', c, [0.5, 0.5], [0.5, 0.5]);
    c.setSolo(false);
    b.setMute(true);
    await expect('b muted', b, [0, 0], [0, 0]);
    await expect('a back', a, [0, 0.25], [0, 0.25]);
    await expect('c back', c, [0.5, 0.5], [0.5, 0.5]);
    const outputs = (await pool.engineNode(0))?.node.numberOfOutputs ?? -1;
    pool.dispose();
    return { outputs, steps };
  } finally {
    await ctx.close();
  }
}
