// The processor's two ways out of the audio thread that are not replies: the rendered
// sound, copied from engine memory into the host's output arrays, and the voices that
// ended on their own, written into a ring the main thread reads (shared memory) or that
// the next reply carries (port). Both work on preallocated memory, once per quantum.
import type { EngineExports } from './engine-exports.js';
import { QUANTUM } from './processor-scheduler.js';
import type { SlotTable } from './processor-slots.js';
import { ENDED_FIELDS, EndedField, type FromProcessor } from './protocol.js';
import type { RecordRing } from './record-ring.js';

/** Where a processor's replies go: its port, or its pool's mail (processor.ts). */
export interface Outbox {
  postMessage(message: FromProcessor, transfer: Transferable[]): void;
}

/** Copies the engine's output buffers into the host's, touching silent outputs only once. */
export class OutputCopier {
  private readonly left: Float32Array[] = [];
  private readonly right: Float32Array[] = [];
  /** Which outputs the engine wrote this quantum (a view on its memory). */
  private touched: Uint8Array = new Uint8Array(0);
  /** Per output, the host array known to hold silence (undefined once sound was written to it). */
  private readonly silent: (Float32Array | undefined)[] = [];
  private viewsOf: ArrayBuffer | null = null;

  constructor(
    private readonly engine: EngineExports,
    /** Output buffers: one per slot, or one shared by every slot. */
    private readonly outputCount: number,
  ) {}

  /** Views on the engine's output buffers; rebuilt only after memory grew. */
  refreshViews(): void {
    const buffer = this.engine.memory.buffer;
    if (buffer === this.viewsOf) return;
    for (let o = 0; o < this.outputCount; o++) {
      const p = this.engine.outputPtr(o);
      this.left[o] = new Float32Array(buffer, p, QUANTUM);
      this.right[o] = new Float32Array(buffer, p + QUANTUM * 4, QUANTUM);
    }
    this.touched = new Uint8Array(buffer, this.engine.touchedPtr(), this.outputCount);
    this.viewsOf = buffer;
  }

  /**
   * Copies the outputs the engine wrote. A silent output is zeroed once, after the last
   * quantum it sounded in (quirk #3, node-web-audio-api; src/host-quirks.test.ts: a host
   * may hand back the same arrays without clearing them),
   * and then left alone, so idle slots cost nothing.
   */
  copyOut(outputs: Float32Array[][], rendered: boolean): void {
    const n = Math.min(outputs.length, this.outputCount);
    const touched = this.touched;
    for (let o = 0; o < n; o++) {
      const out = outputs[o];
      const l = out?.[0];
      if (!out || !l) continue;
      const r = out[1];
      if (rendered && touched[o] === 1) {
        l.set(this.left[o] as Float32Array);
        if (r) r.set(this.right[o] as Float32Array);
        this.silent[o] = undefined;
      } else if (this.silent[o] !== l) {
        l.fill(0);
        if (r) r.fill(0);
        this.silent[o] = l;
      }
    }
  }
}

/** The voices that stopped on their own, on their way to the main thread. */
export class EndedVoices {
  private dropped = 0;

  constructor(
    private readonly ring: RecordRing,
    /** Whether the main thread reads the ring itself (shared memory). */
    private readonly shared: boolean,
  ) {}

  /** Writes the voices the engine ended this quantum into the ring (full: counted as dropped). */
  collect(engine: EngineExports, slots: SlotTable, base: number): void {
    const ring = this.ring;
    const d = ring.data;
    for (let v = 0; v < slots.voices; v++) {
      const f = engine.takeEnded(v);
      if (f === 0) continue;
      if (ring.free() === 0) {
        this.dropped++;
        continue;
      }
      const at = ring.writeOffset(0);
      d[at + EndedField.Slot] = slots.voiceSlot[v] as number;
      d[at + EndedField.Voice] = v;
      d[at + EndedField.Frame] = base + f - 1;
      ring.commit(1);
    }
  }

  /**
   * Port transport: posts the voices that ended since the last answer (`id` 0 when
   * unasked, and then only if there are some). With shared memory the main thread reads
   * the ring itself, so an explicit request gets an empty answer.
   */
  send(port: Outbox, id: number, asked: boolean): void {
    const ring = this.ring;
    const n = this.shared ? 0 : ring.available();
    if (n === 0 && !asked) return;
    const entries = new Float64Array(n * ENDED_FIELDS);
    for (let k = 0; k < n; k++) {
      const at = ring.readOffset(k);
      entries.set(ring.data.subarray(at, at + ENDED_FIELDS), k * ENDED_FIELDS);
    }
    ring.consume(n);
    const dropped = this.dropped;
    this.dropped = 0;
    port.postMessage({ type: 'ended', id, entries, dropped } satisfies FromProcessor, [entries.buffer]);
  }
}
