// Chromium page script for the benchmark: the same scenario with the browser's Web Audio.
import { renderScenario } from './scenario.mjs';

/** Runs one scenario in the page. */
export function run(mode, instruments, seconds) {
  return renderScenario({ OfflineAudioContext, AudioWorkletNode }, mode, instruments, seconds);
}
