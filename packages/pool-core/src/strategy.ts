/** A maximal run of free voices inside one engine of a worklet. */
export interface FreeRun {
  /** First free voice, counted from the worklet's voice 0. */
  readonly start: number;
  /** Number of consecutive free voices. */
  readonly count: number;
}

/** What the pool asks a strategy to place; valid only during the place() call (the pool reuses it). */
export interface PlacementRequest {
  /** The owner the voices are for (an instrument id). */
  readonly owner: string;
  /** How many voices the owner asked for (1..voicesPerEngine). */
  readonly voices: number;
}

/** Where a strategy puts a request: `count` voices from `start` in `worklet`. */
export interface Placement {
  /** Index of an existing worklet (0..view.workletCount-1). */
  readonly worklet: number;
  /** First voice of the range inside the worklet. */
  readonly start: number;
  /** Voices reserved; at least the requested number (a strategy may round up). */
  readonly count: number;
}

/**
 * A read-only view of the pool a strategy places into. Free runs never cross an engine
 * boundary, so any sub-range of a run is a valid range as far as engines go. The indexed
 * accessors (`freeRunCount`, `freeRunStart`, `freeRunLength`) read without allocating.
 */
export interface PoolView {
  /** Voices in one worklet. */
  readonly voicesPerWorklet: number;
  /** Engines one worklet is cut into; a range never straddles two. */
  readonly enginesPerWorklet: number;
  /** Voices in one engine (voicesPerWorklet / enginesPerWorklet). */
  readonly voicesPerEngine: number;
  /** Worklets the strategy may place into (indices 0..workletCount-1). */
  readonly workletCount: number;
  /** Voices allocated in a worklet. */
  allocatedVoices(worklet: number): number;
  /** Number of owners holding a range in a worklet. */
  ownerCount(worklet: number): number;
  /** Length of the longest free run in a worklet (0 when full). */
  largestFreeRun(worklet: number): number;
  /**
   * Lowest worklet at or after `from` (default 0) whose longest free run is at least
   * `length`, or -1. The fastest way to skip full worklets.
   */
  nextWorkletWithRun(length: number, from?: number): number;
  /** Length of the shortest free run of at least `length` voices in a worklet, or 0 when none is that long. */
  smallestFreeRunAtLeast(worklet: number, length: number): number;
  /** Number of free runs in a worklet. */
  freeRunCount(worklet: number): number;
  /** Start of the i-th free run of a worklet (runs ascend by start). */
  freeRunStart(worklet: number, index: number): number;
  /** Length of the i-th free run of a worklet. */
  freeRunLength(worklet: number, index: number): number;
  /** The free runs of a worklet as objects (convenient; the indexed accessors are cheaper). */
  freeRuns(worklet: number): readonly FreeRun[];
  /** True when `count` voices from `start` in `worklet` are all free and inside the worklet. */
  isFree(worklet: number, start: number, count: number): boolean;
}

/**
 * A placement policy: a name, what it guarantees, an optional alignment the pool enforces,
 * and a pure `place` function. Returning `null` means "no fit in the worklets shown";
 * the pool may then add a worklet and ask again.
 */
export interface Strategy {
  /** Short identifier, e.g. `best-fit`. */
  readonly name: string;
  /** One sentence on what the strategy guarantees. */
  readonly description: string;
  /** Every range starts at a multiple of this (relative to the worklet); the pool checks it. */
  readonly alignment?: number;
  /**
   * true: a worklet holds at most one owner (the one-instrument-per-worklet layout). The
   * pool checks it like the alignment, and a runtime may give each worklet a single slot
   * for it. Absent or false: owners may share a worklet.
   */
  readonly exclusive?: boolean;
  /** Chooses a range for the request, or `null` when nothing in the view fits. */
  place(request: PlacementRequest, view: PoolView): Placement | null;
}
