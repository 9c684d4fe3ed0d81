// Chromium page script for the declick render benchmark.
import { renderDeclick } from './declick-scenario.mjs';

/** Runs one render in the page. */
export function run(declick, instruments, seconds) {
  return renderDeclick({ OfflineAudioContext, AudioWorkletNode }, declick, instruments, seconds);
}
