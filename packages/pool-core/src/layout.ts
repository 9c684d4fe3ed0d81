// The pool's ground truth: which voices of which worklet each owner holds, kept as bit masks
// so that free-run queries and placement checks stay cheap under churn.

import type { FreeRun, PoolView } from './strategy';

/** One voice range as the pool reports it. */
export interface Allocation {
  /** Who holds the range (an instrument id). */
  readonly owner: string;
  /** Worklet index. */
  readonly worklet: number;
  /** First voice inside the worklet. */
  readonly start: number;
  /** Voices reserved (at least the number requested; a strategy may round up). */
  readonly count: number;
}

const EMPTY_RUNS: readonly FreeRun[] = Object.freeze([]);

/** `count` low bits set (count may be 32). */
function lowBits(count: number): number {
  return count >= 32 ? -1 : (1 << count) - 1;
}

function grow32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/**
 * The allocator's raw state in flat typed arrays, so the hot path allocates almost nothing.
 * Owners are slot ids (records in parallel arrays); `occ` holds id + 1 per voice (0 = free).
 * Worklets of up to 32 voices also keep a free-voice bitmask, which makes range checks and
 * free-run scans a few bit operations. Free runs are recomputed lazily, only for worklets
 * that changed since the last look.
 */
export class Layout {
  readonly vpw: number;
  readonly engines: number;
  readonly vpe: number;
  /** True when a worklet fits in one 32-bit free mask. */
  readonly masked: boolean;
  workletCount = 0;
  allocatedVoices = 0;
  capacity = 0;
  occ: Int32Array = new Int32Array(0);
  free: Int32Array = new Int32Array(0);
  used: Int32Array = new Int32Array(0);
  owners: Int32Array = new Int32Array(0);
  dirty: Uint8Array = new Uint8Array(0);
  runStart: Int32Array = new Int32Array(0);
  runLen: Int32Array = new Int32Array(0);
  runCount: Int32Array = new Int32Array(0);
  largest: Int32Array = new Int32Array(0);
  /** Masked worklets: bit L-1 set when the worklet has a free run of exactly L voices. */
  lengths: Int32Array = new Int32Array(0);
  runObjects: (readonly FreeRun[] | undefined)[] = [];
  /** Slot records: worklet, start, count, requested voices, owner, reported allocation. */
  sWorklet: Int32Array = new Int32Array(64);
  sStart: Int32Array = new Int32Array(64);
  sCount: Int32Array = new Int32Array(64);
  sRequested: Int32Array = new Int32Array(64);
  sOwner: (string | undefined)[] = [];
  sAlloc: (Allocation | undefined)[] = [];
  freeIds: number[] = [];
  nextId = 0;
  /**
   * Owner -> slot id. Released owners keep their entry (checked against `sOwner`) because
   * instrument ids recur: updating an existing key is much cheaper than deleting and
   * re-inserting it. Stale entries are purged once they outnumber the live ones by far.
   */
  byOwner: Map<string, number> = new Map();
  liveCount = 0;
  private readonly engineFull: number;

  constructor(vpw: number, engines: number) {
    this.vpw = vpw;
    this.engines = engines;
    this.vpe = vpw / engines;
    this.masked = vpw <= 32;
    this.engineFull = lowBits(vpw);
  }

  private ensureCapacity(worklets: number): void {
    if (worklets <= this.capacity) return;
    let cap = Math.max(4, this.capacity * 2);
    while (cap < worklets) cap *= 2;
    const vpw = this.vpw;
    this.occ = grow32(this.occ, cap * vpw);
    this.runStart = grow32(this.runStart, cap * vpw);
    this.runLen = grow32(this.runLen, cap * vpw);
    this.free = grow32(this.free, cap);
    this.used = grow32(this.used, cap);
    this.owners = grow32(this.owners, cap);
    this.runCount = grow32(this.runCount, cap);
    this.largest = grow32(this.largest, cap);
    this.lengths = grow32(this.lengths, cap);
    const d = new Uint8Array(cap);
    d.set(this.dirty);
    this.dirty = d;
    this.capacity = cap;
  }

  /** Appends an empty worklet and returns its index. */
  addWorklet(): number {
    const w = this.workletCount;
    this.ensureCapacity(w + 1);
    this.occ.fill(0, w * this.vpw, (w + 1) * this.vpw);
    this.free[w] = this.engineFull;
    this.used[w] = 0;
    this.owners[w] = 0;
    this.dirty[w] = 1;
    this.runObjects[w] = undefined;
    this.workletCount = w + 1;
    return w;
  }

  /** Drops the last worklet; the caller guarantees it is empty. */
  removeLastWorklet(): void {
    this.workletCount -= 1;
    this.runObjects.length = this.workletCount;
  }

  /** Registers a slot at a range (the caller has checked the range is free). */
  add(owner: string, requested: number, allocation: Allocation): number {
    let id: number;
    if (this.freeIds.length > 0) id = this.freeIds.pop()!;
    else {
      id = this.nextId++;
      if (id >= this.sWorklet.length) {
        const n = this.sWorklet.length * 2;
        this.sWorklet = grow32(this.sWorklet, n);
        this.sStart = grow32(this.sStart, n);
        this.sCount = grow32(this.sCount, n);
        this.sRequested = grow32(this.sRequested, n);
      }
    }
    this.sOwner[id] = owner;
    this.sAlloc[id] = allocation;
    this.sRequested[id] = requested;
    this.byOwner.set(owner, id);
    this.liveCount++;
    this.occupy(id, allocation.worklet, allocation.start, allocation.count);
    return id;
  }

  /** The live slot id of an owner, or -1. */
  idOf(owner: string): number {
    const id = this.byOwner.get(owner);
    return id !== undefined && this.sOwner[id] === owner ? id : -1;
  }

  /** Frees a slot's range and forgets the slot. */
  remove(id: number): void {
    this.vacate(id);
    this.sOwner[id] = undefined;
    this.sAlloc[id] = undefined;
    this.freeIds.push(id);
    this.liveCount--;
    if (this.byOwner.size > 4 * this.liveCount + 1024) this.purgeOwners();
  }

  private purgeOwners(): void {
    const map = new Map<string, number>();
    for (let id = 0; id < this.nextId; id++) {
      const owner = this.sOwner[id];
      if (owner !== undefined) map.set(owner, id);
    }
    this.byOwner = map;
  }

  /** Marks a range as held by slot `id` and records it on the slot. */
  occupy(id: number, w: number, start: number, count: number): void {
    this.sWorklet[id] = w;
    this.sStart[id] = start;
    this.sCount[id] = count;
    const occ = this.occ;
    const base = w * this.vpw + start;
    for (let i = 0; i < count; i++) occ[base + i] = id + 1;
    if (this.masked) this.free[w] = this.free[w]! & ~(lowBits(count) << start);
    this.used[w]! += count;
    this.owners[w]! += 1;
    this.dirty[w] = 1;
    this.allocatedVoices += count;
  }

  /** Marks slot `id`'s range as free (the slot keeps its record). */
  vacate(id: number): void {
    const w = this.sWorklet[id]!;
    const start = this.sStart[id]!;
    const count = this.sCount[id]!;
    const occ = this.occ;
    const base = w * this.vpw + start;
    for (let i = 0; i < count; i++) occ[base + i] = 0;
    if (this.masked) this.free[w] = this.free[w]! | (lowBits(count) << start);
    this.used[w]! -= count;
    this.owners[w]! -= 1;
    this.dirty[w] = 1;
    this.allocatedVoices -= count;
  }

  /** Moves slot `id` to a new range and reported allocation. */
  move(id: number, allocation: Allocation): void {
    this.vacate(id);
    this.sAlloc[id] = allocation;
    this.occupy(id, allocation.worklet, allocation.start, allocation.count);
  }

  /** The owner holding a voice, or undefined when it is free. */
  ownerAt(worklet: number, voice: number): string | undefined {
    const id = this.occ[worklet * this.vpw + voice]!;
    return id === 0 ? undefined : this.sOwner[id - 1];
  }

  /** Recomputes a worklet's free runs (each inside one engine) when it changed. */
  refresh(w: number): void {
    if (this.dirty[w] === 0) return;
    const vpw = this.vpw;
    const vpe = this.vpe;
    const base = w * vpw;
    const runStart = this.runStart;
    const runLen = this.runLen;
    let n = 0;
    let largest = 0;
    let lengths = 0;
    if (this.masked) {
      let m = this.free[w]!;
      while (m !== 0) {
        const s = 31 - Math.clz32(m & -m);
        const rest = ~(m >>> s);
        let len = rest === 0 ? 32 - s : 31 - Math.clz32(rest & -rest);
        const engineEnd = s - (s % vpe) + vpe;
        if (s + len > engineEnd) len = engineEnd - s;
        runStart[base + n] = s;
        runLen[base + n] = len;
        n++;
        if (len > largest) largest = len;
        lengths |= 1 << (len - 1);
        m &= ~(lowBits(len) << s);
      }
    } else {
      const occ = this.occ;
      for (let e = 0; e < vpw; e += vpe) {
        let v = e;
        const end = e + vpe;
        while (v < end) {
          if (occ[base + v] !== 0) {
            v++;
            continue;
          }
          const s = v;
          while (v < end && occ[base + v] === 0) v++;
          const len = v - s;
          runStart[base + n] = s;
          runLen[base + n] = len;
          n++;
          if (len > largest) largest = len;
        }
      }
    }
    this.runCount[w] = n;
    this.largest[w] = largest;
    this.lengths[w] = lengths;
    this.dirty[w] = 0;
    this.runObjects[w] = undefined;
  }

  /** Lowest worklet in [from, limit) whose longest free run is at least `length`, else -1. */
  nextWorkletWithRun(length: number, from: number, limit: number): number {
    const dirty = this.dirty;
    const largest = this.largest;
    const used = this.used;
    const room = this.vpw - length;
    for (let w = from; w < limit; w++) {
      // Too few free voices in total: skip without recomputing the worklet's runs.
      if (used[w]! > room) continue;
      if (dirty[w] !== 0) this.refresh(w);
      if (largest[w]! >= length) return w;
    }
    return -1;
  }

  /** Length of the shortest free run of at least `length` voices in worklet `w`, or 0. */
  smallestRunAtLeast(w: number, length: number): number {
    this.refresh(w);
    if (this.masked) {
      if (length > 32) return 0;
      const m = this.lengths[w]! >>> (length - 1);
      return m === 0 ? 0 : length + 31 - Math.clz32(m & -m);
    }
    let best = 0;
    const base = w * this.vpw;
    for (let i = 0; i < this.runCount[w]!; i++) {
      const len = this.runLen[base + i]!;
      if (len >= length && (best === 0 || len < best)) best = len;
    }
    return best;
  }

  /** The free runs of a worklet as frozen objects, cached until the worklet changes. */
  freeRuns(w: number): readonly FreeRun[] {
    this.refresh(w);
    let runs = this.runObjects[w];
    if (runs === undefined) {
      const n = this.runCount[w]!;
      if (n === 0) runs = EMPTY_RUNS;
      else {
        const list: FreeRun[] = [];
        const base = w * this.vpw;
        for (let i = 0; i < n; i++) {
          list.push(Object.freeze({ start: this.runStart[base + i]!, count: this.runLen[base + i]! }));
        }
        runs = Object.freeze(list);
      }
      this.runObjects[w] = runs;
    }
    return runs;
  }

  /** True when the range is inside worklet `w` and every voice of it is free. */
  isFree(w: number, start: number, count: number): boolean {
    if (start < 0 || count <= 0 || start + count > this.vpw) return false;
    if (this.masked) {
      const range = lowBits(count) << start;
      return (this.free[w]! & range) === range;
    }
    const occ = this.occ;
    const from = w * this.vpw + start;
    const to = from + count;
    for (let i = from; i < to; i++) if (occ[i] !== 0) return false;
    return true;
  }

  /** The slot ids of worklet `w` in ascending start order. */
  slotsIn(w: number): number[] {
    const out: number[] = [];
    const base = w * this.vpw;
    let v = 0;
    while (v < this.vpw) {
      const id = this.occ[base + v]! - 1;
      if (id < 0) {
        v++;
        continue;
      }
      out.push(id);
      v = this.sStart[id]! + this.sCount[id]!;
    }
    return out;
  }

  /** A fresh allocation object for a slot, from the typed arrays (the source of truth). */
  allocationOf(id: number): Allocation {
    return {
      owner: this.sOwner[id]!,
      worklet: this.sWorklet[id]!,
      start: this.sStart[id]!,
      count: this.sCount[id]!,
    };
  }

  /** Every live allocation (fresh objects) ordered by worklet, then start. */
  allocations(): Allocation[] {
    const out: Allocation[] = [];
    for (let w = 0; w < this.workletCount; w++)
      for (const id of this.slotsIn(w)) out.push(this.allocationOf(id));
    return out;
  }

  /** An independent deep copy (used to plan compaction without touching the live state). */
  clone(): Layout {
    const c = new Layout(this.vpw, this.engines);
    c.workletCount = this.workletCount;
    c.allocatedVoices = this.allocatedVoices;
    c.capacity = this.capacity;
    c.occ = this.occ.slice();
    c.free = this.free.slice();
    c.used = this.used.slice();
    c.owners = this.owners.slice();
    c.dirty = this.dirty.slice();
    c.runStart = this.runStart.slice();
    c.runLen = this.runLen.slice();
    c.runCount = this.runCount.slice();
    c.largest = this.largest.slice();
    c.lengths = this.lengths.slice();
    c.runObjects = this.runObjects.slice();
    c.sWorklet = this.sWorklet.slice();
    c.sStart = this.sStart.slice();
    c.sCount = this.sCount.slice();
    c.sRequested = this.sRequested.slice();
    c.sOwner = this.sOwner.slice();
    c.sAlloc = this.sAlloc.slice();
    c.freeIds = this.freeIds.slice();
    c.nextId = this.nextId;
    c.byOwner = new Map(this.byOwner);
    c.liveCount = this.liveCount;
    return c;
  }
}

function isIndex(value: number, limit: number): boolean {
  return value >>> 0 === value && value < limit;
}

/** The strategy-facing view over a layout; `limit` hides worklets at and above it. */
export class LayoutView implements PoolView {
  layout: Layout;
  /** Negative: every worklet is visible. */
  limit = -1;
  readonly voicesPerWorklet: number;
  readonly enginesPerWorklet: number;
  readonly voicesPerEngine: number;

  constructor(layout: Layout) {
    this.layout = layout;
    this.voicesPerWorklet = layout.vpw;
    this.enginesPerWorklet = layout.engines;
    this.voicesPerEngine = layout.vpe;
  }

  get workletCount(): number {
    return this.limit < 0 ? this.layout.workletCount : this.limit;
  }

  allocatedVoices(worklet: number): number {
    return isIndex(worklet, this.workletCount) ? this.layout.used[worklet]! : 0;
  }

  ownerCount(worklet: number): number {
    return isIndex(worklet, this.workletCount) ? this.layout.owners[worklet]! : 0;
  }

  largestFreeRun(worklet: number): number {
    if (!isIndex(worklet, this.workletCount)) return 0;
    this.layout.refresh(worklet);
    return this.layout.largest[worklet]!;
  }

  nextWorkletWithRun(length: number, from = 0): number {
    return this.layout.nextWorkletWithRun(length, Math.max(from, 0), this.workletCount);
  }

  smallestFreeRunAtLeast(worklet: number, length: number): number {
    if (!isIndex(worklet, this.workletCount) || !(length >= 1)) return 0;
    return this.layout.smallestRunAtLeast(worklet, Math.ceil(length));
  }

  freeRunCount(worklet: number): number {
    if (!isIndex(worklet, this.workletCount)) return 0;
    this.layout.refresh(worklet);
    return this.layout.runCount[worklet]!;
  }

  freeRunStart(worklet: number, index: number): number {
    if (!isIndex(worklet, this.workletCount)) return 0;
    const l = this.layout;
    l.refresh(worklet);
    return isIndex(index, l.runCount[worklet]!) ? l.runStart[worklet * l.vpw + index]! : 0;
  }

  freeRunLength(worklet: number, index: number): number {
    if (!isIndex(worklet, this.workletCount)) return 0;
    const l = this.layout;
    l.refresh(worklet);
    return isIndex(index, l.runCount[worklet]!) ? l.runLen[worklet * l.vpw + index]! : 0;
  }

  freeRuns(worklet: number): readonly FreeRun[] {
    return isIndex(worklet, this.workletCount) ? this.layout.freeRuns(worklet) : EMPTY_RUNS;
  }

  isFree(worklet: number, start: number, count: number): boolean {
    if (!isIndex(worklet, this.workletCount)) return false;
    if (!Number.isInteger(start) || !Number.isInteger(count)) return false;
    return this.layout.isFree(worklet, start, count);
  }
}
