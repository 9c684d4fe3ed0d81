// The engine instantiated directly (no Web Audio), for exact checks of its DSP and memory.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineExports } from '../src/engine-exports.js';

const wasmPath = resolve(dirname(fileURLToPath(import.meta.url)), '../build/engine.wasm');
const module = new WebAssembly.Module(readFileSync(wasmPath));

/**
 * The imports of one engine instance: a memory of its own, unless `memory` is given (the
 * engines of one AudioWorkletGlobalScope share one, as the processor does).
 */
export function engineImports(memory = new WebAssembly.Memory({ initial: 1 })): WebAssembly.Imports {
  return { env: { memory } };
}

/** A fresh engine instance, not yet initialised, over `memory` (its own when absent). */
export function instantiateEngine(memory?: WebAssembly.Memory): EngineExports {
  return new WebAssembly.Instance(module, engineImports(memory)).exports as unknown as EngineExports;
}

/**
 * A fresh engine with `voices` voices, `slots` slots and 4 records per slot; `shared`: one
 * output for all. Declicking is off unless asked for, so exact checks see every step.
 */
export function createEngine(
  voices = 16,
  slots = 4,
  rate = 48000,
  shared = false,
  declick = false,
): EngineExports {
  const engine = instantiateEngine();
  if (engine.init(voices, slots, slots * 4, rate, shared ? 1 : 0) !== 0)
    throw new Error('engine init failed');
  engine.setDeclick(declick ? 1 : 0);
  return engine;
}

/** Copies sample data into engine memory and fills `record` with a sampler patch. */
export function loadSampler(
  engine: EngineExports,
  record: number,
  data: Int8Array | Int16Array | Float32Array,
  options: {
    loopStart?: number;
    loopLength?: number;
    volume?: number;
    linear?: boolean;
    baseFrequency?: number;
  } = {},
): number {
  const ptr = engine.alloc(data.byteLength);
  if (ptr === 0) throw new Error('alloc failed');
  new Uint8Array(engine.memory.buffer, ptr, data.byteLength).set(
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  );
  engine.stageSampler(
    record,
    ptr,
    data.length,
    data.BYTES_PER_ELEMENT,
    options.loopStart ?? 0,
    options.loopLength ?? 0,
    options.volume ?? 64,
    0,
    options.baseFrequency ?? 8363,
    options.linear === false ? 0 : 1,
  );
  return ptr;
}

/** Renders `quanta` quanta and returns output `slot`'s left and right channel, concatenated. */
export function renderSlot(
  engine: EngineExports,
  slot: number,
  quanta: number,
): [Float32Array, Float32Array] {
  const left = new Float32Array(quanta * 128);
  const right = new Float32Array(quanta * 128);
  for (let q = 0; q < quanta; q++) {
    engine.beginQuantum();
    engine.render(0, 128);
    const p = engine.outputPtr(slot);
    left.set(new Float32Array(engine.memory.buffer, p, 128), q * 128);
    right.set(new Float32Array(engine.memory.buffer, p + 512, 128), q * 128);
  }
  return [left, right];
}
