// Page script for the Chromium suite: drives the built package in a real browser.
import { createDedicatedInstrument } from '../../dist/index.js';
import { fadeError, firstSound, soundEnd } from '../signal.js';

const RATE = 48000;
const UNIT_PERIOD = 7093789.2 / (2 * RATE);

/** Renders one note at `frame` through a dedicated instrument; returns where sound starts and ends. */
export async function noteAtFrame(
  frame: number,
): Promise<{ first: number; end: number; sample10: number; fade: number }> {
  const context = new OfflineAudioContext({ numberOfChannels: 2, length: 8192, sampleRate: RATE });
  const data = new Int8Array(2000).map((_, i) => ((i * 3) % 120) - 60 || 5);
  const inst = await createDedicatedInstrument(
    context,
    'd',
    { kind: 'sampler', data, loopStart: 0, loopLength: 0 },
    { voices: 4 },
  );
  inst.noteOn({ time: frame / RATE, period: UNIT_PERIOD });
  await inst.flush();
  const left = (await context.startRendering()).getChannelData(0);
  const first = firstSound(left);
  const end = soundEnd(left);
  const sample10 = (left[frame + 10] as number) * 128 - (data[10] as number);
  return { first, end, sample10, fade: fadeError(left, frame + data.length) };
}
