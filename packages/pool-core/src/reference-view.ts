// An independent, deliberately naive re-implementation of the pool's view and stats, built
// from a snapshot. The testing kit checks the real pool against it, and asks strategies for
// the placement the pool should have made.
import type { Allocation } from './layout';
import type { FreeRun, PoolView } from './strategy';
import type { PoolSnapshot, PoolStats } from './voice-pool';

/** What a reference view is built from: the pool's geometry and its ranges. */
export interface ReferenceLayout {
  readonly voicesPerWorklet: number;
  readonly enginesPerWorklet: number;
  readonly workletCount: number;
  readonly allocations: readonly Allocation[];
}

/** Per-worklet voice owners (undefined = free), from the allocations. */
function occupancy(layout: ReferenceLayout): (string | undefined)[][] {
  const grid: (string | undefined)[][] = [];
  for (let w = 0; w < layout.workletCount; w++)
    grid.push(Array.from({ length: layout.voicesPerWorklet }, () => undefined));
  for (const a of layout.allocations) {
    const row = grid[a.worklet];
    if (row === undefined) continue;
    for (let v = a.start; v < a.start + a.count; v++) row[v] = a.owner;
  }
  return grid;
}

/** Maximal free runs of one worklet's occupancy, cut at engine boundaries. */
function runsOf(row: readonly (string | undefined)[], voicesPerEngine: number): FreeRun[] {
  const runs: FreeRun[] = [];
  for (let e = 0; e < row.length; e += voicesPerEngine) {
    let start = -1;
    for (let v = e; v < e + voicesPerEngine; v++) {
      if (row[v] === undefined) {
        if (start < 0) start = v;
      } else if (start >= 0) {
        runs.push({ start, count: v - start });
        start = -1;
      }
    }
    if (start >= 0) runs.push({ start, count: e + voicesPerEngine - start });
  }
  return runs;
}

/**
 * A PoolView over plain data. `exclude` hides one owner (as if released); `extraWorklets`
 * appends empty worklets (as if the pool grew).
 */
export function referenceView(layout: ReferenceLayout, exclude?: string, extraWorklets = 0): PoolView {
  const shown: ReferenceLayout = {
    voicesPerWorklet: layout.voicesPerWorklet,
    enginesPerWorklet: layout.enginesPerWorklet,
    workletCount: layout.workletCount + extraWorklets,
    allocations: layout.allocations.filter((a) => a.owner !== exclude),
  };
  const vpe = shown.voicesPerWorklet / shown.enginesPerWorklet;
  const grid = occupancy(shown);
  const runs = grid.map((row) => runsOf(row, vpe));
  const inRange = (w: number) => Number.isInteger(w) && w >= 0 && w < shown.workletCount;
  const runsAt = (w: number): FreeRun[] => (inRange(w) ? runs[w]! : []);
  const view: PoolView = {
    voicesPerWorklet: shown.voicesPerWorklet,
    enginesPerWorklet: shown.enginesPerWorklet,
    voicesPerEngine: vpe,
    workletCount: shown.workletCount,
    allocatedVoices: (w) => (inRange(w) ? grid[w]!.filter((o) => o !== undefined).length : 0),
    ownerCount: (w) => (inRange(w) ? new Set(grid[w]!.filter((o) => o !== undefined)).size : 0),
    largestFreeRun: (w) => runsAt(w).reduce((m, r) => Math.max(m, r.count), 0),
    nextWorkletWithRun: (length, from = 0) => {
      for (let w = Math.max(0, from); w < shown.workletCount; w++)
        if (view.largestFreeRun(w) >= length) return w;
      return -1;
    },
    smallestFreeRunAtLeast: (w, length) =>
      runsAt(w)
        .map((r) => r.count)
        .filter((c) => c >= length)
        .reduce((m, c) => (m === 0 || c < m ? c : m), 0),
    freeRunCount: (w) => runsAt(w).length,
    freeRunStart: (w, i) => runsAt(w)[i]?.start ?? 0,
    freeRunLength: (w, i) => runsAt(w)[i]?.count ?? 0,
    freeRuns: (w) => runsAt(w),
    isFree: (w, start, count) =>
      inRange(w) &&
      Number.isInteger(start) &&
      Number.isInteger(count) &&
      start >= 0 &&
      count > 0 &&
      start + count <= shown.voicesPerWorklet &&
      grid[w]!.slice(start, start + count).every((o) => o === undefined),
  };
  return view;
}

/** The stats a pool in this state must report, computed from scratch. */
export function referenceStats(snapshot: PoolSnapshot): PoolStats {
  const vpe = snapshot.voicesPerWorklet / snapshot.enginesPerWorklet;
  const grid = occupancy(snapshot);
  const allocatedVoices = snapshot.allocations.reduce((sum, a) => sum + a.count, 0);
  const totalVoices = snapshot.workletCount * snapshot.voicesPerWorklet;
  return {
    workletCount: snapshot.workletCount,
    totalVoices,
    allocatedVoices,
    freeVoices: totalVoices - allocatedVoices,
    allocations: [...snapshot.allocations]
      .sort((a, b) => a.worklet - b.worklet || a.start - b.start)
      .map((a) => ({ owner: a.owner, worklet: a.worklet, start: a.start, count: a.count })),
    worklets: grid.map((row, index) => ({ index, freeRuns: runsOf(row, vpe) })),
  };
}
