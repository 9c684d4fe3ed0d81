/**
 * ProTracker's loop rule, written once for the whole package: a loop of one word
 * (2 frames) or less means the sample does not loop. The engine side of the WASM boundary
 * keeps its own copy of the rule in worklet-runtime, which does not export it.
 */
import type { Sample } from './song.js';

/** Whether a loop length (in frames) makes a loop at all. */
export function isLoopLength(loopLength: number): boolean {
  return loopLength > 2;
}

/** Whether the sample loops: a real loop length, and the loop inside its data. */
export function samplePlaysLoop(sample: Sample): boolean {
  return isLoopLength(sample.loopLength) && sample.loopStart + sample.loopLength <= sample.data.length;
}
