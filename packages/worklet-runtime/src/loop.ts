// ProTracker's loop convention, written once on this side of the WASM boundary (the
// engine in assembly/index.ts has its one twin, `loops`): every check of a patch, the
// message validator and both instrument kinds ask here whether a sample loops.

/** Whether a loop of `loopLength` frames counts: 1 word (2 frames) or less means no loop, as in ProTracker. */
export function isLoop(loopLength: number): boolean {
  return loopLength > 2;
}

/** Whether a loop that counts ends past the sample's last frame (a patch error). */
export function loopRunsPast(loopStart: number, loopLength: number, frames: number): boolean {
  return isLoop(loopLength) && loopStart + loopLength > frames;
}

/** Whether a sample of `frames` frames plays its loop: the loop counts and lies inside the sample (the engine's rule). */
export function sampleLoops(loopStart: number, loopLength: number, frames: number): boolean {
  return isLoop(loopLength) && loopStart + loopLength <= frames;
}
