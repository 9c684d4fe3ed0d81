// Timestamped engine commands waiting for their frame, kept in preallocated typed
// arrays so that the audio thread never allocates to queue or dequeue one.

/** Engine operations a queued command performs. */
export const Op = {
  NoteOn: 1,
  NoteOff: 2,
  Set: 3,
  Commit: 4,
  Release: 5,
  Reset: 6,
  Mix: 7,
} as const;

/** Bit flags saying which optional fields of a `Set` are present: the records' own Has bits. */
export { Has } from './protocol.js';

/** Number of numeric parameters each command carries. */
export const PARAMS = 6;

/**
 * A ring buffer of commands ordered by frame (equal frames keep arrival order).
 * Commands usually arrive in time order, so insertion is O(1) in the common case.
 */
export class CommandQueue {
  private cap: number;
  /** Most commands the queue will ever hold: it doubles up to this when full. */
  readonly maxCapacity: number;
  private frames: Float64Array;
  private ops: Int32Array;
  private slots: Int32Array;
  private voices: Int32Array;
  private flags: Int32Array;
  private params: Float64Array;
  private head = 0;
  private count = 0;

  constructor(capacity: number, maxCapacity = capacity) {
    this.cap = capacity;
    this.maxCapacity = Math.max(capacity, maxCapacity);
    this.frames = new Float64Array(capacity);
    this.ops = new Int32Array(capacity);
    this.slots = new Int32Array(capacity);
    this.voices = new Int32Array(capacity);
    this.flags = new Int32Array(capacity);
    this.params = new Float64Array(capacity * PARAMS);
  }

  /** Commands the queue holds before it must grow. */
  get capacity(): number {
    return this.cap;
  }

  /**
   * Doubles the storage, keeping the order. Only a `push` that allows it grows the queue,
   * and the processor allows it only in the port's message handler, never inside
   * process(): a whole song scheduled ahead for an offline render can be queued without
   * the render path allocating.
   */
  private grow(): boolean {
    const next = Math.min(this.maxCapacity, this.cap * 2);
    if (next <= this.cap) return false;
    const frames = new Float64Array(next);
    const ops = new Int32Array(next);
    const slots = new Int32Array(next);
    const voices = new Int32Array(next);
    const flags = new Int32Array(next);
    const params = new Float64Array(next * PARAMS);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % this.cap;
      frames[i] = this.frames[from] as number;
      ops[i] = this.ops[from] as number;
      slots[i] = this.slots[from] as number;
      voices[i] = this.voices[from] as number;
      flags[i] = this.flags[from] as number;
      params.set(this.params.subarray(from * PARAMS, from * PARAMS + PARAMS), i * PARAMS);
    }
    this.frames = frames;
    this.ops = ops;
    this.slots = slots;
    this.voices = voices;
    this.flags = flags;
    this.params = params;
    this.head = 0;
    this.cap = next;
    return true;
  }

  /** Commands waiting. */
  get length(): number {
    return this.count;
  }

  /**
   * Adds a command; returns false (and changes nothing) when the queue is full. With
   * `grow` false (the render path) a full queue is not grown: nothing is allocated.
   */
  push(
    grow: boolean,
    frame: number,
    op: number,
    slot: number,
    voice: number,
    flags: number,
    p0 = 0,
    p1 = 0,
    p2 = 0,
    p3 = 0,
    p4 = 0,
    p5 = 0,
  ): boolean {
    if (this.count === this.cap && !(grow && this.grow())) return false;
    const cap = this.cap;
    // Walk back from the tail past every later command, shifting each up one place.
    let i = this.count;
    while (i > 0) {
      const prev = (this.head + i - 1) % cap;
      if ((this.frames[prev] as number) <= frame) break;
      this.copy(prev, (prev + 1) % cap);
      i--;
    }
    const at = (this.head + i) % cap;
    this.frames[at] = frame;
    this.ops[at] = op;
    this.slots[at] = slot;
    this.voices[at] = voice;
    this.flags[at] = flags;
    const b = at * PARAMS;
    this.params[b] = p0;
    this.params[b + 1] = p1;
    this.params[b + 2] = p2;
    this.params[b + 3] = p3;
    this.params[b + 4] = p4;
    this.params[b + 5] = p5;
    this.count++;
    return true;
  }

  private copy(from: number, to: number): void {
    this.frames[to] = this.frames[from] as number;
    this.ops[to] = this.ops[from] as number;
    this.slots[to] = this.slots[from] as number;
    this.voices[to] = this.voices[from] as number;
    this.flags[to] = this.flags[from] as number;
    this.params.copyWithin(to * PARAMS, from * PARAMS, from * PARAMS + PARAMS);
  }

  /** Frame of the earliest command (Infinity when empty). */
  peekFrame(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : (this.frames[this.head] as number);
  }

  /** Operation of the earliest command. */
  op(): number {
    return this.ops[this.head] as number;
  }

  /** Slot of the earliest command. */
  slot(): number {
    return this.slots[this.head] as number;
  }

  /** Voice of the earliest command. */
  voice(): number {
    return this.voices[this.head] as number;
  }

  /** Optional-field flags of the earliest command. */
  flag(): number {
    return this.flags[this.head] as number;
  }

  /** Parameter `k` of the earliest command. */
  param(k: number): number {
    return this.params[this.head * PARAMS + k] as number;
  }

  /** Drops the earliest command. */
  shift(): void {
    if (this.count === 0) return;
    this.head = (this.head + 1) % this.cap;
    this.count--;
  }

  /** Drops every command. */
  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /**
   * Drops the commands already queued for `frame` or later that touch `slot` (every
   * slot when `slot` is -1): a release or reset cancels what was scheduled before it.
   * `onDrop` sees each dropped command's op and first parameter.
   */
  dropFrom(frame: number, slot: number, onDrop: (op: number, param0: number) => void): void {
    const cap = this.cap;
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const at = (this.head + i) % cap;
      if ((this.frames[at] as number) >= frame && (slot === -1 || this.slots[at] === slot)) {
        onDrop(this.ops[at] as number, this.params[at * PARAMS] as number);
        continue;
      }
      if (kept !== i) this.copy(at, (this.head + kept) % cap);
      kept++;
    }
    this.count = kept;
  }
}
