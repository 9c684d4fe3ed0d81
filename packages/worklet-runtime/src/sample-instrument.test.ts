// The worklet-free instrument on node-web-audio-api: AudioBufferSourceNodes play a
// one-shot from its exact frame with its volume and pan, and loop a looped sample.
import { afterEach, describe, expect, it } from 'vitest';
import {
  channels,
  firstSound,
  offlineContext,
  renderPending,
  soundEnd,
  UNIT_PERIOD,
} from '../test/node-audio.js';

import { createSampleInstrument } from './sample-instrument.js';

afterEach(renderPending);

describe('SampleInstrument', () => {
  it('plays a one-shot from its exact frame at playback rate 1, with volume and pan', async () => {
    const context = offlineContext(4096);
    const data = new Float32Array(1000).map((_, i) => Math.sin(i / 10) * 0.8);
    const inst = await createSampleInstrument(
      context,
      's',
      { kind: 'sampler', data, loopStart: 0, loopLength: 0 },
      { voices: 2 },
    );
    const frame = 1024 + 17;
    inst.noteOn({ time: frame / context.sampleRate, period: UNIT_PERIOD, volume: 32, pan: 0.5 });
    const [left, right] = channels(await context.startRendering());
    expect(firstSound(left)).toBe(frame + 1); // data[0] is 0
    expect(soundEnd(left, 1e-6)).toBeLessThanOrEqual(frame + data.length);
    for (const i of [1, 100, 500, 999]) {
      expect(left[frame + i]).toBeCloseTo((data[i] as number) * 0.5 * 0.5, 5);
      expect(right[frame + i]).toBeCloseTo((data[i] as number) * 0.5, 5);
    }
  });

  it('loops a looped sample for 10 s and refuses synth patches', async () => {
    const context = offlineContext(48000 * 10);
    const data = new Int16Array(2000).map((_, i) => Math.round(Math.sin(i / 5) * 20000));
    const inst = await createSampleInstrument(
      context,
      'l',
      { kind: 'sampler', data, loopStart: 1000, loopLength: 1000 },
      { voices: 1 },
    );
    inst.noteOn({ time: 0, period: 300 });
    const [left] = channels(await context.startRendering());
    expect(Math.max(...left.slice(left.length - 4800).map(Math.abs))).toBeGreaterThan(0.5);
    await expect(
      createSampleInstrument(
        context,
        'syn',
        {
          kind: 'synth',
          waveform: 'sine',
          attack: 0,
          decay: 0,
          sustain: 1,
          release: 0,
          cutoff: 1000,
          resonance: 0,
        },
        { voices: 1 },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_PATCH' });
  });
});
