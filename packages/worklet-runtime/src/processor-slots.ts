// What the processor knows about its slots, kept apart from the code that changes it:
// each slot's voice range, whether a patch is loaded, the patch record it plays, which
// slot each voice last started in, and the pool of free patch records. The validator
// reads it (it is the protocol's ValidationView); scheduling and loading write it.
import type { EngineExports } from './engine-exports.js';
import type { ValidationView } from './protocol.js';

/** Patch records per slot: the current one plus loads scheduled behind it. */
export const RECORDS_PER_SLOT = 4;

/** Slot ranges, loaded flags, current records and free records, in preallocated arrays. */
export class SlotTable implements ValidationView {
  readonly starts: Int32Array;
  readonly counts: Int32Array;
  readonly loaded: Uint8Array;
  /** The record each slot plays at the render position (-1 = none). */
  readonly current: Int32Array;
  /** The slot each voice was last started in (-1 = none). */
  readonly voiceSlot: Int32Array;
  /** Patch records in the engine. */
  readonly records: number;
  private readonly free: Int32Array;
  private freeCount = 0;
  /** Set once the engine is up (never used while it is not). */
  engine: EngineExports | null = null;

  constructor(
    readonly voices: number,
    readonly slots: number,
  ) {
    this.starts = new Int32Array(slots);
    this.counts = new Int32Array(slots);
    this.loaded = new Uint8Array(slots);
    this.current = new Int32Array(slots).fill(-1);
    this.voiceSlot = new Int32Array(voices).fill(-1);
    this.records = slots * RECORDS_PER_SLOT;
    this.free = new Int32Array(this.records);
    for (let r = this.records - 1; r >= 0; r--) this.free[this.freeCount++] = r;
  }

  slotCount(slot: number): number {
    return this.counts[slot] ?? 0;
  }

  slotStart(slot: number): number {
    return this.starts[slot] ?? 0;
  }

  slotLoaded(slot: number): boolean {
    return this.loaded[slot] === 1;
  }

  /** A free patch record, or -1 when every one is in use. */
  takeRecord(): number {
    return this.freeCount === 0 ? -1 : (this.free[--this.freeCount] as number);
  }

  /** Returns a record that was taken but never staged in the engine. */
  returnRecord(record: number): void {
    this.free[this.freeCount++] = record;
  }

  /** Empties a staged record in the engine (its sample memory too) and returns it. */
  recycle(record: number): void {
    (this.engine as EngineExports).freeRecord(record);
    this.returnRecord(record);
  }

  /** Silences `slot` and gives back the record it played. */
  releaseSlot(slot: number): void {
    const record = this.current[slot] as number;
    if (record >= 0) this.recycle(record);
    this.current[slot] = -1;
    (this.engine as EngineExports).silenceSlot(slot);
  }
}
