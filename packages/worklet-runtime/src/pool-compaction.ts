// Compaction for a WorkletPool: pool-core plans which instruments move out of the
// highest worklets; this module carries the plan out on real nodes (every moving
// instrument is loaded into its new slot, its sounding notes stop) while the nodes the
// core removed keep playing until their instruments have left.
import type { CompactionPlan } from '@workletpool/pool-core';
import { WorkletRuntimeError } from './errors.js';
import { resolvePatch } from './patch.js';
import type { PoolNode } from './pool-nodes.js';
import { isLoading, type PoolParts } from './pool-placement.js';
import type { PooledInstrument } from './pooled-instrument.js';
import { loadSlot } from './slot-instrument.js';

/** Carries out pool-core's compaction plans, one at a time. */
export class Compactor {
  private compacting = false;

  constructor(private readonly parts: PoolParts) {}

  /** Asks the core for a plan, moves every instrument it names, then retires the removed nodes. */
  async compact(): Promise<CompactionPlan> {
    const { parts } = this;
    if (this.compacting)
      throw new WorkletRuntimeError(
        'INVALID_STATE',
        'WorkletPool.compact: a compaction is already under way',
      );
    if ([...parts.instruments.values()].some(isLoading)) {
      throw new WorkletRuntimeError('INVALID_STATE', 'WorkletPool.compact: instruments are still loading');
    }
    this.compacting = true;
    parts.nodes.hold();
    try {
      const plan = parts.core.compact();
      // A target may be a range another moving instrument is leaving: empty every source
      // first, then load the targets (the port keeps that order).
      const moving = plan.moves.map((move) => {
        const instrument = parts.instruments.get(move.owner) as PooledInstrument;
        const old = parts.nodes.at(instrument.worklet);
        if (old && old.slots[instrument.slot] === instrument) old.slots[instrument.slot] = null;
        instrument.detach();
        return { instrument, move };
      });
      await Promise.all(
        moving.map(async ({ instrument, move }) => {
          const node = parts.nodes.at(move.to.worklet) as PoolNode;
          const engine = await node.ready;
          const placement = { engine, slot: parts.geometry.slotOf(move.to.start), start: move.to.start };
          const resolved = resolvePatch(instrument.patch, `WorkletPool.compact('${move.owner}')`);
          await loadSlot(placement, instrument.voices, resolved, parts.context.currentTime);
          instrument.attach(placement, move.to.worklet);
          node.slots[placement.slot] = instrument;
        }),
      );
      return plan;
    } finally {
      this.compacting = false;
      parts.nodes.release();
    }
  }
}
