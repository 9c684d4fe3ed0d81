/**
 * ProTracker's loop convention, shared by every side that decides whether a sample
 * loops (patch checks, the message validator, both instrument kinds; the engine in
 * assembly/ follows the same rule): a loop of 1 word (2 frames) or less means none.
 */
export function isLoop(loopLength: number): boolean {
  return loopLength > 2;
}
