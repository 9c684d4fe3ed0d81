// The production processor carries no fault injection: the test-only message that the
// testing build obeys is refused like any unknown type, and the node keeps working.
import processorSource from 'embedded:processor';
import testingProcessorSource from 'embedded:processor-testing';
import { AudioContext } from 'node-web-audio-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeAudioWorkletNode, RATE } from '../test/node-audio.js';
import { loopedSampler } from '../test/patches.js';
import { createWorkletPool } from './worklet-pool.js';

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

describe('the production processor', () => {
  it('carries no fault injection code (the testing build does)', () => {
    const faultText = 'this processor was told to fail';
    expect(testingProcessorSource).toContain(faultText);
    expect(processorSource).not.toContain(faultText);
  });

  it('refuses fail-for-test as an unknown type and keeps rendering', async () => {
    const pool = await createWorkletPool(context as unknown as BaseAudioContext, {
      AudioWorkletNode: NodeAudioWorkletNode,
      voicesPerWorklet: 4,
    });
    await pool.createInstrument('a', loopedSampler(), { voices: 4 });
    const engine = await pool.engineNode(0);
    for (const mode of ['throw', 'hang'] as const) {
      await expect(engine?.request({ type: 'fail-for-test', mode })).rejects.toMatchObject({
        code: 'PROCESSOR_ERROR',
        message: expect.stringMatching(/\(UNKNOWN_TYPE\): message #\d+: unknown type "fail-for-test"/),
      });
    }
    // Still rendering: the count of quanta moves on (a loaded machine may take a while).
    const before = (await engine?.report())?.quanta ?? 0;
    let after = before;
    for (let attempt = 0; attempt < 100 && after <= before; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = (await engine?.report())?.quanta ?? 0;
    }
    expect(after).toBeGreaterThan(before);
    expect(await pool.checkHealth(1000)).toEqual([]);
    pool.dispose();
  });
});
