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

/** A live owner inside a layout. */
export interface Slot {
  readonly id: number;
  readonly owner: string;
  /** Voices the owner asked for; allocate() is idempotent on this number. */
  requested: number;
  allocation: Allocation;
}

const EMPTY_RUNS: readonly FreeRun[] = Object.freeze([]);

/**
 * The allocator's raw state in flat typed arrays, so the hot path allocates almost nothing:
 * `occ` holds slot id + 1 per voice (0 = free) and free runs are recomputed lazily per
 * worklet only when that worklet changed.
 */
export class Layout {
  readonly vpw: number;
  readonly engines: number;
  readonly vpe: number;
  workletCount = 0;
  allocatedVoices = 0;
  capacity = 0;
  occ: Int32Array = new Int32Array(0);
  used: Int32Array = new Int32Array(0);
  owners: Int32Array = new Int32Array(0);
  dirty: Uint8Array = new Uint8Array(0);
  runStart: Int32Array = new Int32Array(0);
  runLen: Int32Array = new Int32Array(0);
  runCount: Int32Array = new Int32Array(0);
  largest: Int32Array = new Int32Array(0);
  runObjects: (readonly FreeRun[] | undefined)[] = [];
  slots: (Slot | undefined)[] = [];
  freeIds: number[] = [];
  byOwner: Map<string, Slot> = new Map();

  constructor(vpw: number, engines: number) {
    this.vpw = vpw;
    this.engines = engines;
    this.vpe = vpw / engines;
  }

  private ensureCapacity(worklets: number): void {
    if (worklets <= this.capacity) return;
    let cap = Math.max(4, this.capacity * 2);
    while (cap < worklets) cap *= 2;
    const vpw = this.vpw;
    const grow32 = (a: Int32Array, n: number) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.occ = grow32(this.occ, cap * vpw);
    this.runStart = grow32(this.runStart, cap * vpw);
    this.runLen = grow32(this.runLen, cap * vpw);
    this.used = grow32(this.used, cap);
    this.owners = grow32(this.owners, cap);
    this.runCount = grow32(this.runCount, cap);
    this.largest = grow32(this.largest, cap);
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

  /** Marks the slot's range as taken. */
  occupy(slot: Slot): void {
    const a = slot.allocation;
    const base = a.worklet * this.vpw + a.start;
    this.occ.fill(slot.id + 1, base, base + a.count);
    this.used[a.worklet]! += a.count;
    this.owners[a.worklet]! += 1;
    this.dirty[a.worklet] = 1;
    this.allocatedVoices += a.count;
  }

  /** Marks the slot's range as free. */
  vacate(slot: Slot): void {
    const a = slot.allocation;
    const base = a.worklet * this.vpw + a.start;
    this.occ.fill(0, base, base + a.count);
    this.used[a.worklet]! -= a.count;
    this.owners[a.worklet]! -= 1;
    this.dirty[a.worklet] = 1;
    this.allocatedVoices -= a.count;
  }

  /** Creates and registers a slot (not yet occupying voices). */
  newSlot(owner: string, requested: number, allocation: Allocation): Slot {
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.slots.length;
    const slot: Slot = { id, owner, requested, allocation };
    this.slots[id] = slot;
    this.byOwner.set(owner, slot);
    return slot;
  }

  /** Unregisters a slot (its voices must already be vacated). */
  dropSlot(slot: Slot): void {
    this.slots[slot.id] = undefined;
    this.freeIds.push(slot.id);
    this.byOwner.delete(slot.owner);
  }

  /** The owner holding a voice, or undefined when it is free. */
  ownerAt(worklet: number, voice: number): string | undefined {
    const id = this.occ[worklet * this.vpw + voice]!;
    return id === 0 ? undefined : this.slots[id - 1]?.owner;
  }

  /** Recomputes a worklet's free runs when it changed since the last look. */
  refresh(w: number): void {
    if (this.dirty[w] === 0) return;
    const vpw = this.vpw;
    const vpe = this.vpe;
    const occ = this.occ;
    const base = w * vpw;
    let n = 0;
    let largest = 0;
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
        this.runStart[base + n] = s;
        this.runLen[base + n] = len;
        n++;
        if (len > largest) largest = len;
      }
    }
    this.runCount[w] = n;
    this.largest[w] = largest;
    this.dirty[w] = 0;
    this.runObjects[w] = undefined;
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
    const occ = this.occ;
    const from = w * this.vpw + start;
    const to = from + count;
    for (let i = from; i < to; i++) if (occ[i] !== 0) return false;
    return true;
  }

  /** The slots of worklet `w` in ascending start order. */
  slotsIn(w: number): Slot[] {
    const out: Slot[] = [];
    const base = w * this.vpw;
    let v = 0;
    while (v < this.vpw) {
      const id = this.occ[base + v]!;
      if (id === 0) {
        v++;
        continue;
      }
      const slot = this.slots[id - 1]!;
      out.push(slot);
      v = slot.allocation.start + slot.allocation.count;
    }
    return out;
  }

  /** An independent deep copy (used to plan compaction without touching the live state). */
  clone(): Layout {
    const c = new Layout(this.vpw, this.engines);
    c.workletCount = this.workletCount;
    c.allocatedVoices = this.allocatedVoices;
    c.capacity = this.capacity;
    c.occ = this.occ.slice();
    c.used = this.used.slice();
    c.owners = this.owners.slice();
    c.dirty = this.dirty.slice();
    c.runStart = this.runStart.slice();
    c.runLen = this.runLen.slice();
    c.runCount = this.runCount.slice();
    c.largest = this.largest.slice();
    c.runObjects = this.runObjects.slice();
    c.freeIds = this.freeIds.slice();
    c.slots = this.slots.map((s) => (s === undefined ? undefined : { ...s }));
    for (const s of c.slots) if (s !== undefined) c.byOwner.set(s.owner, s);
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
