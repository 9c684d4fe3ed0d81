import { type Allocation, type Layout, LayoutView, type Slot } from './layout';
import { checkPlacement } from './placement-check';
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

function moveSlot(layout: Layout, slot: Slot, to: Allocation): void {
  layout.vacate(slot);
  slot.allocation = to;
  layout.occupy(slot);
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
    const slots = work.slotsIn(w).sort((a, b) => b.allocation.count - a.allocation.count);
    const undo: [Slot, Allocation][] = [];
    view.limit = w;
    let ok = true;
    for (const slot of slots) {
      const request = { owner: slot.owner, voices: slot.requested };
      const p = strategy.place(request, view);
      if (p == null) {
        ok = false;
        break;
      }
      checkPlacement(work, strategy, alignment, request, p, w);
      undo.push([slot, slot.allocation]);
      moveSlot(work, slot, { owner: slot.owner, worklet: p.worklet, start: p.start, count: p.count });
    }
    if (!ok) for (let i = undo.length - 1; i >= 0; i--) moveSlot(work, undo[i]![0], undo[i]![1]);
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
    for (const slot of work.slotsIn(top)) {
      const a = slot.allocation;
      moveSlot(work, slot, { owner: a.owner, worklet: hole, start: a.start, count: a.count });
    }
  }
  const removedWorklets: number[] = [];
  while (work.workletCount > keep && work.owners[work.workletCount - 1] === 0) {
    removedWorklets.push(work.workletCount - 1);
    work.removeLastWorklet();
  }
  const moves: CompactionMove[] = [];
  for (let w = 0; w < live.workletCount; w++) {
    for (const before of live.slotsIn(w)) {
      const after = work.byOwner.get(before.owner)!;
      const from = before.allocation;
      const to = after.allocation;
      if (from.worklet !== to.worklet || from.start !== to.start || from.count !== to.count) {
        const frozenTo = Object.freeze({ ...to });
        after.allocation = frozenTo;
        moves.push(Object.freeze({ owner: before.owner, from, to: frozenTo }));
      }
    }
  }
  return {
    layout: work,
    plan: Object.freeze({ moves: Object.freeze(moves), removedWorklets: Object.freeze(removedWorklets) }),
  };
}
