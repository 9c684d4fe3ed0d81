// Patch loading on the audio thread: a `load` message stages a patch into a free engine
// record, whole or in chunks (`sample-data` messages bring the rest of a large sample,
// so no one message handler copies it all), and schedules it to become the slot's patch
// at its frame. Kept apart from scheduling because it is the one place that allocates
// engine memory, and only from a message handler, never from process().
import type { EngineExports } from './engine-exports.js';
import type { Refuse, Scheduler } from './processor-scheduler.js';
import type { SlotTable } from './processor-slots.js';
import {
  BYTES_PER_FRAME,
  type LoadMessage,
  type SampleDataMessage,
  type SamplerPatchMessage,
  WAVEFORMS,
} from './protocol.js';

/** A chunked load waiting for the rest of its sample bytes. */
interface OpenLoad {
  readonly id: number;
  readonly frame: number;
  readonly patch: SamplerPatchMessage;
  readonly record: number;
  readonly ptr: number;
  readonly bytes: number;
  written: number;
  chunksLeft: number;
}

/** Loads, chunked loads under way, and their cancellation. */
export class PatchLoader {
  private readonly open: (OpenLoad | null)[];

  constructor(
    private readonly engine: EngineExports,
    private readonly slots: SlotTable,
    private readonly scheduler: Scheduler,
    private readonly refuse: Refuse,
    /** Confirms a load whose samples are all in engine memory. */
    private readonly ack: (id: number) => void,
    /** Called after engine memory may have grown (views on it must be rebuilt). */
    private readonly memoryChanged: () => void,
  ) {
    this.open = new Array<OpenLoad | null>(slots.slots).fill(null);
  }

  load(m: LoadMessage): void {
    this.abandon(m.slot, `load #${m.id}`);
    const record = this.slots.takeRecord();
    if (record < 0) {
      this.refuse(m.id, 'QUEUE_FULL', `load #${m.id}: slot ${m.slot} has too many loads scheduled`);
      return;
    }
    const e = this.engine;
    const p = m.patch;
    if (p.kind === 'synth') {
      e.stageSynth(
        record,
        WAVEFORMS.indexOf(p.waveform),
        p.attack,
        p.decay,
        p.sustain,
        p.release,
        p.cutoff,
        p.resonance,
        p.volume,
      );
      this.commit(m.id, m.frame, m.slot, record);
      return;
    }
    // The one place memory may grow: once per load, for the whole sample, before any of
    // its bytes arrive. Only this thread owns the engine's memory (see the README).
    const bytes = p.frames * BYTES_PER_FRAME[p.format];
    const ptr = e.alloc(bytes);
    if (ptr === 0) {
      this.slots.returnRecord(record);
      this.refuse(
        m.id,
        'OUT_OF_MEMORY',
        `load #${m.id}: WebAssembly memory: ${bytes} sample bytes do not fit in the context's shared engine memory (${e.engineCount()} engines in ${e.memory.buffer.byteLength} bytes), and it cannot grow`,
      );
      return;
    }
    this.memoryChanged();
    const first = Math.min(bytes, p.data.byteLength);
    new Uint8Array(e.memory.buffer, ptr, first).set(new Uint8Array(p.data, 0, first));
    const chunks = m.chunks ?? 0;
    if (chunks === 0) {
      this.stage(record, ptr, p);
      this.commit(m.id, m.frame, m.slot, record);
      return;
    }
    this.open[m.slot] = {
      id: m.id,
      frame: m.frame,
      patch: p,
      record,
      ptr,
      bytes,
      written: first,
      chunksLeft: chunks,
    };
  }

  /** The next bytes of a chunked load; the last chunk completes it. */
  sampleData(m: SampleDataMessage): void {
    const o = this.open[m.slot];
    if (!o) {
      this.refuse(
        m.id,
        'UNEXPECTED_SAMPLE_DATA',
        `sample-data #${m.id}: no chunked load of slot ${m.slot} is waiting for bytes`,
      );
      return;
    }
    const n = m.data.byteLength;
    if (m.offset !== o.written || o.written + n > o.bytes) {
      const why = `sample-data #${m.id}: load #${o.id} expects bytes from ${o.written} of ${o.bytes}, got ${m.offset}..${m.offset + n}`;
      this.refuse(m.id, 'UNEXPECTED_SAMPLE_DATA', why);
      this.abandon(m.slot, `sample-data #${m.id}`);
      return;
    }
    new Uint8Array(this.engine.memory.buffer, o.ptr + o.written, n).set(new Uint8Array(m.data));
    o.written += n;
    o.chunksLeft--;
    if (o.chunksLeft > 0) return;
    this.open[m.slot] = null;
    if (o.written !== o.bytes) {
      this.engine.free(o.ptr);
      this.slots.returnRecord(o.record);
      this.refuse(
        o.id,
        'TRUNCATED_SAMPLE',
        `load #${o.id}: its chunks brought ${o.written} of the ${o.bytes} sample bytes`,
      );
      return;
    }
    this.stage(o.record, o.ptr, o.patch);
    this.commit(o.id, o.frame, m.slot, o.record);
  }

  /** Drops a chunked load still open on `slot` (its memory and record go back); `by` names why. */
  abandon(slot: number, by: string): void {
    const o = this.open[slot];
    if (!o) return;
    this.open[slot] = null;
    this.engine.free(o.ptr);
    this.slots.returnRecord(o.record);
    this.refuse(o.id, 'UNEXPECTED_SAMPLE_DATA', `load #${o.id}: cancelled by ${by} before its last chunk`);
  }

  private stage(record: number, ptr: number, p: SamplerPatchMessage): void {
    this.engine.stageSampler(
      record,
      ptr,
      p.frames,
      BYTES_PER_FRAME[p.format],
      p.loopStart,
      p.loopLength,
      p.volume,
      p.finetune,
      p.baseFrequency,
      p.interpolation === 'linear' ? 1 : 0,
    );
  }

  private commit(id: number, frame: number, slot: number, record: number): void {
    if (!this.scheduler.commit(id, frame, slot, record)) return;
    this.slots.loaded[slot] = 1;
    this.ack(id);
  }
}
