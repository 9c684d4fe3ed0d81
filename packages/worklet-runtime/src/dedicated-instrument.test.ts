// The unpooled mode on real nodes: a DedicatedInstrument owns its node and plays the same
// events the same way a pooled instrument does.
import { afterEach, describe, expect, it } from 'vitest';
import {
  channels,
  fadeError,
  firstSound,
  NodeAudioWorkletNode,
  offlineContext,
  renderPending,
  soundEnd,
  TAIL_FRAMES,
  UNIT_PERIOD,
} from '../test/node-audio.js';
import { ramp } from '../test/patches.js';

import { createDedicatedInstrument } from './dedicated-instrument.js';
import { WorkletRuntimeError } from './errors.js';

afterEach(renderPending);

describe('DedicatedInstrument', () => {
  it('plays a note from its exact frame through its own GainNode', async () => {
    const context = offlineContext(8192);
    const data = ramp(2000);
    const piano = await createDedicatedInstrument(
      context,
      'piano',
      { kind: 'sampler', data, loopStart: 0, loopLength: 0 },
      {
        voices: 4,
        AudioWorkletNode: NodeAudioWorkletNode,
      },
    );
    expect(piano.output.constructor.name).toBe('GainNode');
    const frame = 3001;
    expect(piano.noteOn({ time: frame / context.sampleRate, period: UNIT_PERIOD, volume: 32, pan: -1 })).toBe(
      0,
    );
    await piano.flush();
    const [left, right] = channels(await context.startRendering());
    expect(firstSound(left)).toBe(frame);
    // A one-shot plays to its end, then its last frame fades out instead of stepping.
    expect(soundEnd(left)).toBe(frame + data.length + TAIL_FRAMES);
    expect(fadeError(left, frame + data.length)).toBeLessThan(1e-6);
    expect(left[frame + 10]).toBeCloseTo(((data[10] as number) / 128) * 0.5, 6);
    expect(firstSound(right)).toBe(-1);
  });

  it('rejects bad calls with typed errors and changes nothing', async () => {
    const context = offlineContext(128);
    await expect(
      createDedicatedInstrument(
        context,
        'x',
        { kind: 'sampler', data: new Int8Array(0), loopStart: 0, loopLength: 0 },
        {
          voices: 4,
          AudioWorkletNode: NodeAudioWorkletNode,
        },
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_PATCH',
      message: "createDedicatedInstrument('x'): patch.data: expected at least one frame, got an empty array",
    });
    const inst = await createDedicatedInstrument(
      context,
      'x',
      { kind: 'sampler', data: ramp(10), loopStart: 0, loopLength: 0 },
      {
        voices: 2,
        AudioWorkletNode: NodeAudioWorkletNode,
      },
    );
    expect(() => inst.noteOn({ time: 0, voice: 2, period: 428 })).toThrow(
      new WorkletRuntimeError(
        'INVALID_ARGUMENT',
        "instrument 'x' noteOn: voice must be an integer in 0..1, got 2",
      ),
    );
    expect(() => inst.set({ time: 0, voice: 0, volume: 65 })).toThrow(
      /volume must be a number in 0..64, got 65/,
    );
    expect(() => inst.noteOn({ time: Number.NaN, period: 428 })).toThrow(/time must be a number/);
    inst.dispose();
    expect(() => inst.noteOn({ time: 0, period: 428 })).toThrow(/instrument 'x' was disposed/);
    await context.startRendering();
  });
});
