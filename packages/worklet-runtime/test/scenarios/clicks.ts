// Page script for the Chromium click table: the shared measurement (test/clicks.ts) on
// the built package, in a real browser's OfflineAudioContext and AudioWorklet.
import { createWorkletPool } from '../../dist/index.js';
import { type ClickRow, clickTable } from '../clicks.js';

const RATE = 48000;

/** Every row of the click table, measured in this browser. */
export function clicks(): Promise<ClickRow[]> {
  return clickTable({
    context: (frames) => new OfflineAudioContext({ numberOfChannels: 2, length: frames, sampleRate: RATE }),
    createWorkletPool,
  });
}
