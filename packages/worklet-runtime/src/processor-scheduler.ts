// Scheduling on the audio thread: voice-event records and slot changes wait in a queue
// ordered by frame, and each quantum is rendered in pieces split at every command's
// frame, so a note starts exactly where it was scheduled. Records come from `commands`
// batches or from the shared ring (which this module drains, holding back a record
// until the port message sent before it has been handled). Nothing here allocates.
import { CommandQueue, Op } from './command-queue.js';
import type { EngineExports } from './engine-exports.js';
import type { SlotTable } from './processor-slots.js';
import {
  checkRecord,
  Has,
  lastRefusal,
  MIX_UNIT,
  type ProtocolErrorCode,
  RecordField,
  RecordOp,
  recordId,
} from './protocol.js';
import type { RecordRing } from './record-ring.js';

/** Frames per render quantum. */
export const QUANTUM = 128;
const QUEUE_CAPACITY = 4096;
// An offline render may queue a whole song before its first quantum.
const QUEUE_MAX_CAPACITY = 1 << 20;

/** Answers a refused message or record with an `error` reply. */
export type Refuse = (id: number | null, code: ProtocolErrorCode, message: string) => void;

/** The command queue, what feeds it, and the quantum rendered in pieces between its commands. */
export class Scheduler {
  private readonly queue = new CommandQueue(QUEUE_CAPACITY, QUEUE_MAX_CAPACITY);
  /** Highest id of a port message handled so far (shared-ring records wait for theirs). */
  private portSeen = 0;
  private readonly onDrop = (op: number, record: number): void => {
    // Scheduled loads that are cancelled give their record (and samples) back.
    if (op === Op.Commit) this.slots.recycle(record);
  };

  constructor(
    private readonly engine: EngineExports,
    private readonly slots: SlotTable,
    /** Shared-memory transport: records the main thread writes without a message. */
    private readonly ring: RecordRing | null,
    private readonly refuse: Refuse,
  ) {}

  /** Notes that port message `id` has been handled: ring records waiting for it may follow. */
  handled(id: number | null): void {
    if (id !== null && id > this.portSeen) this.portSeen = id;
  }

  /**
   * Moves the shared ring's records into the queue, in order, stopping at one that waits
   * for a port message not handled yet. From process() (`grow` false) it also stops when
   * the queue is full rather than grow it; the rest waits for the next quantum.
   */
  drain(grow: boolean): void {
    const ring = this.ring;
    if (ring === null) return;
    const n = ring.available();
    const r = ring.data;
    let taken = 0;
    for (; taken < n; taken++) {
      const at = ring.readOffset(taken);
      if ((r[at + RecordField.After] as number) > this.portSeen) break;
      if (!this.take(r, at, grow) && !grow) break;
    }
    if (taken > 0) ring.consume(taken);
  }

  /**
   * Checks one record and queues it; a bad one is refused. Returns false only when the
   * queue had no room (and, with `grow`, that is refused as QUEUE_FULL).
   */
  take(r: Float64Array, at: number, grow: boolean): boolean {
    const code = checkRecord(r, at, this.slots);
    if (code !== null) {
      this.refuse(recordId(r, at), code, lastRefusal());
      return true;
    }
    const op = r[at + RecordField.Op] as number;
    const frame = r[at + RecordField.Frame] as number;
    const slot = r[at + RecordField.Slot] as number;
    const voice = r[at + RecordField.Voice] as number;
    const has = r[at + RecordField.Has] as number;
    let ok: boolean;
    if (op === RecordOp.NoteOn) {
      ok = this.queue.push(
        grow,
        frame,
        Op.NoteOn,
        slot,
        voice,
        voice - (this.slots.starts[slot] ?? 0),
        has & Has.Period ? 0 : 1,
        r[at + RecordField.Pitch] as number,
        has & Has.Volume ? (r[at + RecordField.Volume] as number) : -1,
        r[at + RecordField.Pan] as number,
        r[at + RecordField.Offset] as number,
        r[at + RecordField.Velocity] as number,
      );
    } else if (op === RecordOp.NoteOff) {
      ok = this.queue.push(grow, frame, Op.NoteOff, slot, voice, 0);
    } else if (op === RecordOp.Mix) {
      ok = this.queue.push(
        grow,
        frame,
        Op.Mix,
        slot,
        0,
        has,
        // Integers (units of 2^-24): applying the command then passes no double to the
        // engine, which V8 may box on a call path it did not optimise.
        Math.round((r[at + RecordField.Volume] as number) * MIX_UNIT),
        Math.round((r[at + RecordField.Pan] as number) * MIX_UNIT),
        r[at + RecordField.Velocity] as number,
      );
    } else {
      ok = this.queue.push(
        grow,
        frame,
        Op.Set,
        slot,
        voice,
        has,
        r[at + RecordField.Pitch] as number,
        r[at + RecordField.Volume] as number,
        r[at + RecordField.Pan] as number,
        r[at + RecordField.Offset] as number,
      );
    }
    if (!ok && grow) {
      const id = r[at + RecordField.Id] as number;
      this.refuse(id, 'QUEUE_FULL', `record #${id}: ${this.queue.capacity} commands already wait`);
      return true;
    }
    return ok;
  }

  private full(id: number): void {
    this.refuse(id, 'QUEUE_FULL', `message #${id}: ${this.queue.capacity} commands already wait`);
  }

  /** Schedules a staged patch record to become `slot`'s at `frame`; false (record given back) when the queue is full. */
  commit(id: number, frame: number, slot: number, record: number): boolean {
    if (this.queue.push(true, frame, Op.Commit, slot, 0, 0, record)) return true;
    this.slots.recycle(record);
    this.full(id);
    return false;
  }

  /** Schedules emptying `slot` at `frame`, cancelling what was scheduled for it from then on. */
  release(id: number, frame: number, slot: number): void {
    this.queue.dropFrom(frame, slot, this.onDrop);
    if (!this.queue.push(true, frame, Op.Release, slot, 0, 0)) this.full(id);
  }

  /** Schedules emptying every slot at `frame`, cancelling everything scheduled from then on. */
  reset(id: number, frame: number): void {
    this.queue.dropFrom(frame, -1, this.onDrop);
    if (!this.queue.push(true, frame, Op.Reset, -1, 0, 0)) this.full(id);
  }

  /** Renders the quantum that starts at context frame `base`, applying each due command at its frame. */
  renderQuantum(base: number): void {
    const e = this.engine;
    const q = this.queue;
    this.drain(false);
    e.beginQuantum();
    let pos = 0;
    while (q.length > 0) {
      const offset = q.peekFrame() - base;
      if (offset >= QUANTUM) break;
      // Late commands apply at the start of the quantum.
      const at = offset <= 0 ? 0 : Math.floor(offset);
      if (at > pos) {
        e.render(pos, at);
        pos = at;
      }
      this.apply();
      q.shift();
    }
    if (pos < QUANTUM) e.render(pos, QUANTUM);
  }

  /** Applies the command at the head of the queue. */
  private apply(): void {
    const q = this.queue;
    const e = this.engine;
    const s = this.slots;
    const slot = q.slot();
    const voice = q.voice();
    switch (q.op()) {
      case Op.NoteOn: {
        const record = s.current[slot] as number;
        if (record < 0) return;
        e.noteOn(
          voice,
          slot,
          record,
          q.param(0),
          q.param(1),
          q.param(2),
          q.param(3),
          q.param(4),
          q.param(5),
          q.flag(),
        );
        s.voiceSlot[voice] = slot;
        return;
      }
      case Op.NoteOff:
        if (s.voiceSlot[voice] === slot) e.noteOff(voice);
        return;
      case Op.Set: {
        if (s.voiceSlot[voice] !== slot) return;
        const flags = q.flag();
        if (flags & Has.Period) e.setPitch(voice, 0, q.param(0));
        if (flags & Has.Frequency) e.setPitch(voice, 1, q.param(0));
        if (flags & Has.Volume) e.setVolume(voice, q.param(1));
        if (flags & Has.Pan) e.setPan(voice, q.param(2));
        if (flags & Has.Offset) e.setOffset(voice, q.param(3));
        return;
      }
      case Op.Commit: {
        const old = s.current[slot] as number;
        if (old >= 0) s.recycle(old);
        e.silenceSlot(slot);
        // A new patch in the slot is a new instrument: it starts at unity, unmuted.
        e.resetMix(slot);
        s.current[slot] = q.param(0);
        return;
      }
      case Op.Mix:
        e.setMix(slot, q.flag(), q.param(0), q.param(1), q.param(2));
        return;
      case Op.Release:
        s.releaseSlot(slot);
        return;
      case Op.Reset:
        for (let slot = 0; slot < s.slots; slot++) s.releaseSlot(slot);
        s.voiceSlot.fill(-1);
        return;
    }
  }
}
