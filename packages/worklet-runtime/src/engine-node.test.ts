// One engine processor driven through its EngineNode on node-web-audio-api: replies
// matched by id, refused messages answered with errors, both command transports, and
// chunked sample upload.
import { AudioContext } from 'node-web-audio-api';
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
import { ramp } from '../test/patches.js';

import { EngineNode } from './engine-node.js';
import type { WorkletRuntimeError } from './errors.js';
import { resolvePatch } from './patch.js';
import { type EndedEvent, encodeCommands } from './protocol.js';
import { loadSlot, SAMPLE_CHUNK_BYTES } from './slot-instrument.js';

afterEach(renderPending);

async function engineWith(
  context: BaseAudioContext,
  errors: WorkletRuntimeError[] = [],
  onEnded?: (event: EndedEvent) => void,
) {
  const engine = await EngineNode.create(context, {
    voices: 16,
    slots: 4,
    AudioWorkletNode: NodeAudioWorkletNode,
    onError: (e) => errors.push(e),
    onEnded,
  });
  for (let s = 0; s < 4; s++) engine.node.connect(context.destination, s);
  return engine;
}

async function load(engine: EngineNode, slot: number, data: Int8Array, loopStart = 0, loopLength = 0) {
  await engine.request({ type: 'assign', frame: 0, slot, start: slot * 4, count: 4 });
  const patch = resolvePatch({ kind: 'sampler', data, loopStart, loopLength, interpolation: 'none' }, 'test');
  const transfer = patch.kind === 'sampler' ? [patch.data] : [];
  await engine.request({ type: 'load', frame: 0, slot, patch }, transfer);
}

describe('EngineNode in node-web-audio-api', () => {
  it('renders a real int8 sample through a real AudioWorkletNode, starting at its exact frame', async () => {
    const context = offlineContext(4096);
    const engine = await engineWith(context);
    const data = ramp(1000);
    await load(engine, 1, data);
    const frame = 1000 + 37; // inside the 9th quantum, not on a boundary
    engine.post({
      type: 'note-on',
      frame,
      slot: 1,
      voice: 5,
      period: UNIT_PERIOD,
      pan: 0,
      offset: 0,
      velocity: 1,
    });
    await engine.flush();
    const [left, right] = channels(await context.startRendering());
    expect(firstSound(left)).toBe(frame);
    for (let i = 0; i < data.length; i++) {
      expect(left[frame + i]).toBeCloseTo((data[i] as number) / 128, 6);
      expect(right[frame + i]).toBeCloseTo((data[i] as number) / 128, 6);
    }
    // A one-shot stops at its end: its last frame fades out over the tail instead of stepping.
    expect(soundEnd(left)).toBe(frame + data.length + TAIL_FRAMES);
    expect(fadeError(left, frame + data.length)).toBeLessThan(1e-6);
  });

  it('reports a one-shot that reached its end, at the frame it ended (from the ring, on request)', async () => {
    // A running context without an output device: an offline render can be asked only
    // while suspended, and node-web-audio-api 1.0.9 can panic on a request posted then.
    const options: AudioContextOptions & { sinkId: { type: 'none' } } = {
      sinkId: { type: 'none' },
      sampleRate: RATE,
    };
    const context = new AudioContext(options);
    try {
      const ended: EndedEvent[] = [];
      const engine = await engineWith(context as unknown as BaseAudioContext, [], (e) => ended.push(e));
      await load(engine, 0, ramp(300));
      // Far enough ahead that the notes reach the audio thread before their frame.
      const start = engine.frameAt(context.currentTime) + RATE / 5;
      for (const [voice, period] of [
        [2, UNIT_PERIOD],
        [3, UNIT_PERIOD / 4],
      ] as const) {
        engine.post({
          type: 'note-on',
          frame: start,
          slot: 0,
          voice,
          period,
          pan: 0,
          offset: 0,
          velocity: 1,
        });
      }
      await engine.flush();
      // Ask until both have ended (the real-time clock may be slow on a busy machine: up to 60 s).
      for (let attempt = 0; ended.length < 2 && attempt < 600; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await engine.collectEnded();
      }
      // Voice 2 steps one frame per frame (ends 300 frames in); voice 3 steps four (75).
      expect(ended).toEqual([
        { type: 'ended', slot: 0, voice: 3, frame: start + 75 },
        { type: 'ended', slot: 0, voice: 2, frame: start + 300 },
      ]);
      // Taken once: a second request finds the ring empty.
      await engine.collectEnded();
      expect(ended).toHaveLength(2);
      engine.dispose();
    } finally {
      await context.close();
    }
  });

  it('answers bad messages with errors naming the problem, and the other slots keep sounding', async () => {
    const context = offlineContext(RATE);
    const errors: WorkletRuntimeError[] = [];
    const engine = await engineWith(context, errors);
    await load(engine, 0, ramp(1000), 0, 1000);
    engine.post({
      type: 'note-on',
      frame: 0,
      slot: 0,
      voice: 1,
      period: 428,
      pan: 0,
      offset: 0,
      velocity: 1,
    });
    engine.postRaw({ type: 'explode', id: 901 });
    const batch = encodeCommands(900, [
      { type: 'note-on', id: 902, frame: 10, slot: 0, voice: 9, period: 428, pan: 0, offset: 0, velocity: 1 },
      { type: 'set', id: 903, frame: 10, slot: 0, voice: 1, volume: Number.NaN },
      { type: 'note-off', id: 904, frame: 10, slot: 3, voice: 12 },
    ]);
    engine.postRaw(batch, [batch.records.buffer]);
    const truncated = {
      kind: 'sampler',
      format: 'int16',
      frames: 100,
      data: new ArrayBuffer(10),
      loopStart: 0,
      loopLength: 0,
    };
    engine.postRaw({ type: 'load', id: 905, frame: 0, slot: 0, patch: truncated });
    engine.postRaw('not even an object');
    await engine.flush();
    const [left] = channels(await context.startRendering());
    const codes = errors.map((e) => String((e.cause as { code: string }).code));
    expect(codes).toEqual([
      'UNKNOWN_TYPE',
      'VOICE_OUT_OF_RANGE',
      'INVALID_FIELD',
      'SLOT_NOT_ASSIGNED',
      'TRUNCATED_SAMPLE',
      'NOT_A_MESSAGE',
    ]);
    expect(errors[1]?.message).toContain("voice 9 is outside slot 0's voices 0..3");
    expect(errors[2]?.message).toContain('volume must be a finite number, got NaN');
    expect(errors.every((e) => e.code === 'PROCESSOR_ERROR')).toBe(true);
    // The looped note plays through the whole second.
    const lastQuantum = left.slice(left.length - 128);
    expect(Math.max(...lastQuantum.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('reports active voices per slot and render time per quantum while running', async () => {
    // A running context without an output device: the report comes from a live processor.
    const options: AudioContextOptions & { sinkId: { type: 'none' } } = {
      sinkId: { type: 'none' },
      sampleRate: RATE,
    };
    const context = new AudioContext(options);
    try {
      const engine = await engineWith(context);
      const looped = ramp(2000);
      await load(engine, 2, looped, 0, 2000);
      await load(engine, 3, looped, 0, 2000);
      const frame = engine.frameAt(context.currentTime);
      for (const voice of [8, 9, 11]) {
        engine.post({ type: 'note-on', frame, slot: 2, voice, period: 300, pan: 0, offset: 0, velocity: 1 });
      }
      engine.post({
        type: 'note-on',
        frame,
        slot: 3,
        voice: 12,
        period: 300,
        pan: 0,
        offset: 0,
        velocity: 1,
      });
      // A real-time clock on a busy machine may take a while to reach the notes' frame:
      // ask again until they sound (or give up after about 10 s).
      // Render time is measured from the first report request on.
      let report = await engine.report();
      expect(report.renderTime).toBeNull();
      for (
        let attempt = 0;
        attempt < 100 && (report.activeVoices.every((n) => n === 0) || report.renderTime === null);
        attempt++
      ) {
        await new Promise((r) => setTimeout(r, 100));
        report = await engine.report();
      }
      expect(report.activeVoices).toEqual([0, 0, 3, 1]);
      expect(report.quanta).toBeGreaterThan(0);
      expect(report.renderTime?.mean).toBeGreaterThan(0);
      expect(report.renderTime?.max).toBeGreaterThanOrEqual(report.renderTime?.mean ?? 0);
      expect(report.memoryBytes).toBeGreaterThan(0);
      engine.dispose();
    } finally {
      await context.close();
    }
  });
});

describe('the shared-memory transport (node-web-audio-api)', () => {
  it('plays events written to the ring at their exact frame, after the load sent before them', async () => {
    const context = offlineContext(4096);
    const ended: EndedEvent[] = [];
    const engine = await EngineNode.create(context, {
      voices: 16,
      slots: 4,
      transport: 'shared-memory',
      AudioWorkletNode: NodeAudioWorkletNode,
      onEnded: (e) => ended.push(e),
    });
    expect(engine.transport).toBe('shared-memory');
    for (let s = 0; s < 4; s++) engine.node.connect(context.destination, s);
    const data = ramp(500);
    // Not awaited: the note goes into the ring right behind the load's port message and
    // must wait for it (the load makes slot 1 playable).
    const patch = resolvePatch(
      { kind: 'sampler', data, loopStart: 0, loopLength: 0, interpolation: 'none' },
      't',
    );
    const loaded = Promise.all([
      engine.request({ type: 'assign', frame: 0, slot: 1, start: 4, count: 4 }),
      engine.request(
        { type: 'load', frame: 0, slot: 1, patch },
        patch.kind === 'sampler' ? [patch.data] : [],
      ),
    ]);
    const frame = 640 + 17;
    engine.post({
      type: 'note-on',
      frame,
      slot: 1,
      voice: 5,
      period: UNIT_PERIOD,
      pan: 0,
      offset: 0,
      velocity: 1,
    });
    await loaded;
    await engine.flush();
    const [left] = channels(await context.startRendering());
    expect(firstSound(left)).toBe(frame);
    expect(soundEnd(left)).toBe(frame + data.length + TAIL_FRAMES);
    for (let i = 0; i < data.length; i += 37)
      expect(left[frame + i]).toBeCloseTo((data[i] as number) / 128, 6);
    // The ended voice is in the shared ring: read without asking the processor.
    engine.pollEnded();
    expect(ended).toEqual([{ type: 'ended', slot: 1, voice: 5, frame: frame + data.length }]);
  });
});

describe('chunked sample upload (node-web-audio-api)', () => {
  it('loads a sample larger than one chunk in several messages and plays it bit for bit', async () => {
    const frames = 3 * (SAMPLE_CHUNK_BYTES / 2) + 1234; // int16: four chunks
    const data = Int16Array.from({ length: frames }, (_, i) => ((i * 97) % 60000) - 30000);
    const context = offlineContext(frames + 512);
    const engine = await engineWith(context);
    const sent: string[] = [];
    const post = engine.post.bind(engine);
    engine.post = (message, transfer) => {
      sent.push(message.type);
      return post(message, transfer);
    };
    const patch = resolvePatch(
      { kind: 'sampler', data, loopStart: 0, loopLength: 0, interpolation: 'none' },
      't',
    );
    await loadSlot({ engine, slot: 2, start: 8 }, 4, patch, 0);
    expect(sent).toEqual(['assign', 'load', 'sample-data', 'sample-data', 'sample-data']);
    engine.post({
      type: 'note-on',
      frame: 100,
      slot: 2,
      voice: 8,
      period: UNIT_PERIOD,
      pan: 0,
      offset: 0,
      velocity: 1,
    });
    await engine.flush();
    const [left] = channels(await context.startRendering());
    let worst = 0;
    for (let i = 0; i < frames; i++)
      worst = Math.max(worst, Math.abs((left[100 + i] as number) - (data[i] as number) / 32768));
    expect(worst).toBeLessThan(1e-7);
    expect(soundEnd(left)).toBe(100 + frames + TAIL_FRAMES);
  });

  it('refuses sample data nobody waits for, and bytes out of order (the load fails, the slot keeps its patch)', async () => {
    const context = offlineContext(256);
    const errors: WorkletRuntimeError[] = [];
    const engine = await engineWith(context, errors);
    await load(engine, 0, ramp(100));
    engine.postRaw({ type: 'sample-data', id: 50, slot: 0, offset: 0, data: new ArrayBuffer(8) });
    const patch = resolvePatch({ kind: 'sampler', data: ramp(1000), loopStart: 0, loopLength: 0 }, 't');
    if (patch.kind !== 'sampler') throw new Error('a sampler patch');
    const first = patch.data.slice(0, 100);
    const loading = engine.request({
      type: 'load',
      frame: 0,
      slot: 0,
      patch: { ...patch, data: first },
      chunks: 2,
    });
    engine.postRaw({ type: 'sample-data', id: 51, slot: 0, offset: 500, data: new ArrayBuffer(100) });
    await expect(loading).rejects.toMatchObject({
      message: expect.stringContaining('cancelled by sample-data #51'),
    });
    await engine.flush();
    expect(errors.map((e) => (e.cause as { code: string }).code)).toEqual([
      'UNEXPECTED_SAMPLE_DATA',
      'UNEXPECTED_SAMPLE_DATA',
    ]);
    expect(errors[0]?.message).toContain('no chunked load of slot 0 is waiting for bytes');
    expect(errors[1]?.message).toContain('expects bytes from 100 of 1000, got 500..600');
    // The slot still plays its first patch.
    engine.post({
      type: 'note-on',
      frame: 0,
      slot: 0,
      voice: 0,
      period: UNIT_PERIOD,
      pan: 0,
      offset: 0,
      velocity: 1,
    });
    await engine.flush();
    const [left] = channels(await context.startRendering());
    expect(firstSound(left)).toBe(0);
    expect(soundEnd(left)).toBe(100 + TAIL_FRAMES);
  });
});
