// Compaction as a plan, not an action: the pool computes which owners move where to empty
// whole worklets, and the runtime carries the moves out (re-sending patches) at its own pace.

import { type Allocation, type Layout, LayoutView } from './layout';
import { askStrategy, checkPlacement } from './placement-check';
import type { Strategy } from './strategy';

/** One owner moving from one range to another. */
export interface CompactionMove {
  /** The owner that moves. */
  readonly owner: string;
  /** Its range before compaction. */
  readonly from: Allocation;
  /** Its range after compaction. */
  readonly to: Allocation;
}

/**
 * What compact() did. The `to` ranges are disjoint from each other and from every owner
 * that stays, so a runtime may set up all targets, then tear down all sources.
 * `removedWorklets` lists the dropped (trailing) worklet indices in descending order.
 */
export interface CompactionPlan {
  /** Owners that moved, ordered by their old worklet and start. */
  readonly moves: readonly CompactionMove[];
  /** Worklets dropped from the end of the pool, highest first. */
  readonly removedWorklets: readonly number[];
}

/**
 * Plans compaction on a copy of the layout: from the highest worklet down, tries to
 * re-place all of a worklet's owners (largest first) into lower worklets with the
 * strategy; then fills empty worklets in the middle with whole higher worklets (same
 * offsets, always valid); then drops trailing empty worklets down to `keep`.
 * Never adds a worklet; every owner keeps its requested size.
 */
export function planCompaction(
  live: Layout,
  strategy: Strategy,
  alignment: number,
  keep: number,
): { layout: Layout; plan: CompactionPlan } {
  const work = live.clone();
  const view = new LayoutView(work);
  for (let w = work.workletCount - 1; w >= 1; w--) {
    if (work.used[w] === 0) continue;
    const ids = work.slotsIn(w).sort((a, b) => work.sCount[b]! - work.sCount[a]!);
    const undo: [number, Allocation][] = [];
    view.limit = w;
    let ok = true;
    for (const id of ids) {
      const owner = work.sOwner[id]!;
      const request = { owner, voices: work.sRequested[id]! };
      const p = askStrategy(strategy, request, view);
      if (p == null) {
        ok = false;
        break;
      }
      checkPlacement(work, strategy, alignment, request, p, w);
      undo.push([id, work.allocationOf(id)]);
      work.move(id, { owner, worklet: p.worklet, start: p.start, count: p.count });
    }
    if (!ok) for (let i = undo.length - 1; i >= 0; i--) work.move(undo[i]![0], undo[i]![1]);
  }
  // Fill holes so the occupied worklets form a prefix and indices of survivors stay stable.
  for (;;) {
    let hole = -1;
    for (let w = 0; w < work.workletCount; w++) {
      if (work.owners[w] === 0) {
        hole = w;
        break;
      }
    }
    let top = -1;
    for (let w = work.workletCount - 1; w >= 0; w--) {
      if (work.owners[w] !== 0) {
        top = w;
        break;
      }
    }
    if (hole < 0 || top < 0 || hole > top) break;
    for (const id of work.slotsIn(top)) {
      work.move(id, {
        owner: work.sOwner[id]!,
        worklet: hole,
        start: work.sStart[id]!,
        count: work.sCount[id]!,
      });
    }
  }
  const removedWorklets: number[] = [];
  while (work.workletCount > keep && work.owners[work.workletCount - 1] === 0) {
    removedWorklets.push(work.workletCount - 1);
    work.removeLastWorklet();
  }
  const moves: CompactionMove[] = [];
  for (let w = 0; w < live.workletCount; w++) {
    for (const id of live.slotsIn(w)) {
      const from = Object.freeze(live.allocationOf(id));
      const to = Object.freeze(work.allocationOf(id));
      if (from.worklet !== to.worklet || from.start !== to.start || from.count !== to.count) {
        work.sAlloc[id] = to;
        moves.push(Object.freeze({ owner: from.owner, from, to }));
      }
    }
  }
  return {
    layout: work,
    plan: Object.freeze({ moves: Object.freeze(moves), removedWorklets: Object.freeze(removedWorklets) }),
  };
}
