// An instrument that owns one slot (a voice range) of a shared engine node.
import type { ResolvedPatch } from './patch.js';
import { SlotInstrument, type SlotPlacement } from './slot-instrument.js';

/** An instrument in a slot of a shared AudioWorkletNode; create it with `WorkletPool.createInstrument`. */
export class PooledInstrument extends SlotInstrument {
  /** Worklet index (in the pool) and slot inside it. */
  readonly worklet: number;
  private readonly onRelease: (instrument: PooledInstrument) => void;

  /** @internal Built by WorkletPool once the slot holds the patch. */
  constructor(
    id: string,
    voices: number,
    patch: ResolvedPatch,
    placement: SlotPlacement,
    output: GainNode,
    worklet: number,
    onRelease: (instrument: PooledInstrument) => void,
  ) {
    super(id, voices, patch, placement, output);
    SlotInstrument.wire(placement, output);
    this.worklet = worklet;
    this.onRelease = onRelease;
  }

  /** The engine slot this instrument renders into (one output of its node). */
  get slot(): number {
    return this.placement.slot;
  }

  protected released(): void {
    this.onRelease(this);
  }
}
