// Expectation tests for the host quirks the code works around. Each quirk is tagged in
// the code as `quirk #N`; its test here asserts that the host still behaves that way, so
// when a host release fixes it the test fails and points at the workaround to delete.
import { fileURLToPath } from 'node:url';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';

const RATE = 48000;

/** A buffer whose frame i holds i / frames: the output tells which frame was read. */
function indexBuffer(context: OfflineAudioContext, frames: number): AudioBuffer {
  const buffer = context.createBuffer(1, frames, RATE);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < frames; i++) data[i] = i / frames;
  return buffer;
}

describe('node-web-audio-api quirks', () => {
  it('quirk #1: a playbackRate set only by an automation event at the start time plays the first quantum at rate 1', async () => {
    const context = new OfflineAudioContext(1, 256, RATE);
    const source = context.createBufferSource();
    source.buffer = indexBuffer(context, 4096) as never;
    source.playbackRate.setValueAtTime(2, 0);
    source.connect(context.destination);
    source.start(0);
    const out = (await context.startRendering()).getChannelData(0);
    // Rate 2 would read frame 20 at output frame 10; the quirk reads frame 10.
    expect(out[10]).toBeCloseTo(10 / 4096, 6);
    // From the second quantum on the event applies (frames advance by 2).
    expect((out[201] as number) - (out[200] as number)).toBeCloseTo(2 / 4096, 6);
  });

  it('quirk #2: a second stop() on a started source throws InvalidStateError (the spec lets the last call win)', async () => {
    const context = new OfflineAudioContext(1, 128, RATE);
    const source = context.createBufferSource();
    source.buffer = indexBuffer(context, 128) as never;
    source.connect(context.destination);
    source.start(0);
    source.stop(0.001);
    expect(() => source.stop(0.002)).toThrow(/InvalidStateError|invalid state/i);
    await context.startRendering();
  });

  it('quirk #3: a processor gets back the output arrays it filled, uncleared, in its next call', async () => {
    const context = new OfflineAudioContext(1, 512, RATE);
    await context.audioWorklet.addModule(
      fileURLToPath(new URL('../test/quirks/stale-output.js', import.meta.url)),
    );
    const node = new AudioWorkletNode(context, 'stale-output', {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    node.connect(context.destination);
    const out = (await context.startRendering()).getChannelData(0);
    // Only the first call wrote 0.5; a host that cleared the arrays would give 0 after it.
    expect(out[0]).toBe(0.5);
    expect(out[300]).toBe(0.5);
  });
});
