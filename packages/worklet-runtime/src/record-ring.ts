// A single-producer, single-consumer ring of fixed-size Float64 records over an
// ArrayBuffer or a SharedArrayBuffer. Shared, it carries command records from the main
// thread to the audio thread (and ended voices back) without a message: each side only
// moves its own counter, published with Atomics so the other side sees the records first.
// Over a plain ArrayBuffer it is the processor's own preallocated store.
import { ENDED_FIELDS, ENDED_RING_ENTRIES, RECORD_SIZE, SHARED_COMMAND_RECORDS } from './protocol.js';

/** Bytes of the two counters in front of the records (padded to keep them 8-aligned). */
const HEADER_BYTES = 8;

/** A ring of `capacity` records of `size` float64 values; capacity is a power of two. */
export class RecordRing {
  /** The records; a record starts at `offsetOf(...)`. */
  readonly data: Float64Array;
  readonly capacity: number;
  readonly size: number;
  /** [0]: records written so far, [1]: records read so far (both wrap as int32). */
  private readonly counters: Int32Array;
  private readonly mask: number;

  /** Bytes a ring of `capacity` records of `size` values takes. */
  static byteLength(capacity: number, size: number): number {
    return HEADER_BYTES + capacity * size * 8;
  }

  constructor(buffer: ArrayBufferLike, byteOffset: number, capacity: number, size: number) {
    if (capacity < 1 || (capacity & (capacity - 1)) !== 0)
      throw new RangeError(`ring capacity ${capacity} is not a power of two`);
    this.capacity = capacity;
    this.size = size;
    this.mask = capacity - 1;
    this.counters = new Int32Array(buffer, byteOffset, 2);
    this.data = new Float64Array(buffer, byteOffset + HEADER_BYTES, capacity * size);
  }

  /** Records waiting to be read. */
  available(): number {
    return (Atomics.load(this.counters, 0) - (this.counters[1] as number)) | 0;
  }

  /** Records that can be written before the ring is full. */
  free(): number {
    return this.capacity - ((((this.counters[0] as number) - Atomics.load(this.counters, 1)) | 0) >>> 0);
  }

  /** Value offset of the `k`-th record after the last one written (the writer's side). */
  writeOffset(k: number): number {
    return (((this.counters[0] as number) + k) & this.mask) * this.size;
  }

  /** Publishes `n` records written at writeOffset(0..n-1). */
  commit(n: number): void {
    Atomics.store(this.counters, 0, ((this.counters[0] as number) + n) | 0);
  }

  /** Value offset of the `k`-th unread record (the reader's side). */
  readOffset(k: number): number {
    return (((this.counters[1] as number) + k) & this.mask) * this.size;
  }

  /** Gives the `n` oldest unread records back to the writer. */
  consume(n: number): void {
    Atomics.store(this.counters, 1, ((this.counters[1] as number) + n) | 0);
  }
}

/** Bytes of the shared memory holding both rings. */
export function sharedRingsBytes(): number {
  return (
    RecordRing.byteLength(SHARED_COMMAND_RECORDS, RECORD_SIZE) +
    RecordRing.byteLength(ENDED_RING_ENTRIES, ENDED_FIELDS)
  );
}

/** The command ring and the ended ring laid over `buffer` (the same layout on both threads). */
export function sharedRings(buffer: ArrayBufferLike): { commands: RecordRing; ended: RecordRing } {
  return {
    commands: new RecordRing(buffer, 0, SHARED_COMMAND_RECORDS, RECORD_SIZE),
    ended: new RecordRing(
      buffer,
      RecordRing.byteLength(SHARED_COMMAND_RECORDS, RECORD_SIZE),
      ENDED_RING_ENTRIES,
      ENDED_FIELDS,
    ),
  };
}
