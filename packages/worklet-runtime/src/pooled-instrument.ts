// An instrument that owns one slot (a voice range) of a shared engine node.
import type { SoloGroup } from './mix-group.js';
import type { InstrumentPatch, ResolvedPatch } from './patch.js';
import { SlotInstrument, type SlotPlacement } from './slot-instrument.js';
import { releaseSlotAfterTail } from './tails.js';

/** An instrument in a slot of a shared AudioWorkletNode; create it with `WorkletPool.createInstrument`. */
export class PooledInstrument extends SlotInstrument {
  /** The patch as given, kept so compaction can load it into another slot. */
  readonly patch: InstrumentPatch;
  private workletIndex: number;
  private readonly onRelease: (instrument: PooledInstrument) => void;

  /** @internal Built by WorkletPool once the slot holds the patch. */
  constructor(
    id: string,
    voices: number,
    patch: InstrumentPatch,
    resolved: ResolvedPatch,
    placement: SlotPlacement,
    output: GainNode,
    worklet: number,
    onRelease: (instrument: PooledInstrument) => void,
    group: SoloGroup,
  ) {
    super(id, voices, resolved, placement, output, group);
    SlotInstrument.wire(placement, output);
    this.patch = patch;
    this.workletIndex = worklet;
    this.onRelease = onRelease;
  }

  /** Index of the worklet (in its pool) this instrument plays in. */
  get worklet(): number {
    return this.workletIndex;
  }

  /** First engine voice of this instrument's range in its worklet. */
  get start(): number {
    return this.placement.start;
  }

  /** The engine slot this instrument renders into (one output of its node). */
  get slot(): number {
    return this.placement.slot;
  }

  /** @internal Leaves the current slot (compaction): its notes stop and its memory is freed. */
  detach(): void {
    const old = this.placement;
    try {
      old.engine.post({
        type: 'release',
        frame: old.engine.frameAt(old.engine.context.currentTime),
        slot: old.slot,
      });
      // Its sounding notes fade out in the old slot while new ones play in the new one.
      releaseSlotAfterTail(old.engine, old.slot, this.output);
    } catch {
      // The old node may already be gone; nothing of it is left to free.
    }
  }

  /** @internal Plays from now on in a slot that already holds this patch. */
  attach(placement: SlotPlacement, worklet: number): void {
    this.placement = placement;
    this.workletIndex = worklet;
    SlotInstrument.wire(placement, this.output);
    this.resendMix();
  }

  protected released(): void {
    this.onRelease(this);
  }
}
