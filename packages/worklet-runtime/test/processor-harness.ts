// Runs the bundled processor script in this thread, with just enough of an
// AudioWorkletGlobalScope around it (registerProcessor, currentFrame, a port), so a test can
// call process() itself and measure what one call allocates. The engine is the real WASM
// module; the processor is the same bundle the nodes load.
import { getHeapSpaceStatistics } from 'node:v8';

/** A processor instance as the harness drives it. */
export interface HostedProcessor {
  /** Delivers a message to the processor's port (as the audio thread would, between quanta). */
  deliver(message: unknown): void;
  /**
   * Renders one quantum at `frame`; returns the bytes of young-generation heap process()
   * took, or NaN when a collection ran during the measurement (then it cannot tell).
   */
  quantum(frame: number): number;
  /** The same measurement with nothing in between: the reading's own noise. */
  idle(): number;
  /** Messages the processor posted so far. */
  readonly posted: unknown[];
}

interface Scope {
  registerProcessor?: unknown;
  AudioWorkletProcessor?: unknown;
  sampleRate?: number;
  currentFrame?: unknown;
}

/** Young-generation bytes in use; the reading itself allocates only after it is taken. */
function youngBytes(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space') used += space.space_used_size;
  }
  return used;
}

/**
 * Loads `source` (the processor bundle) and creates one processor with `options`.
 * `frameValue` turns the frame into what `currentFrame` reads as (a number, or a BigInt
 * as some hosts give it).
 */
export function hostProcessor(
  source: string,
  processorOptions: Record<string, unknown>,
  numberOfOutputs: number,
  frameValue: (frame: number) => unknown = (frame) => frame,
): HostedProcessor {
  const scope = globalThis as Scope;
  const saved = { ...scope };
  let ctor: (new (options: unknown) => { process(i: unknown, o: Float32Array[][]): boolean }) | undefined;
  const posted: unknown[] = [];
  let onmessage: ((event: { data: unknown }) => void) | null = null;
  const port = {
    postMessage(message: unknown) {
      posted.push(message);
    },
    set onmessage(handler: ((event: { data: unknown }) => void) | null) {
      onmessage = handler;
    },
  };
  let frame = 0;
  // The bundle registers the engine processor first (then a pool's mail sorter).
  scope.registerProcessor = (_name: string, c: typeof ctor) => {
    ctor ??= c;
  };
  scope.AudioWorkletProcessor = class {
    readonly port = port;
  };
  scope.sampleRate = 48000;
  Object.defineProperty(globalThis, 'currentFrame', {
    configurable: true,
    get: () => frameValue(frame),
  });
  try {
    new Function(source)();
  } finally {
    scope.registerProcessor = saved.registerProcessor;
    scope.AudioWorkletProcessor = saved.AudioWorkletProcessor;
  }
  if (!ctor) throw new Error('the processor script registered no processor');
  const processor = new ctor({ numberOfOutputs, processorOptions });
  const outputs = Array.from({ length: numberOfOutputs }, () => [
    new Float32Array(128),
    new Float32Array(128),
  ]);
  const inputs: Float32Array[][] = [];
  // What a reading costs by itself changes as the JIT optimises it, so it is taken again
  // right before each measurement: two readings with nothing in between.
  const measure = (work: () => void): number => {
    const a = youngBytes();
    const b = youngBytes();
    const before = youngBytes();
    work();
    const after = youngBytes();
    return b < a || after < before ? Number.NaN : after - before - (b - a);
  };
  const nothing = () => undefined;
  const render = () => {
    processor.process(inputs, outputs);
  };
  return {
    posted,
    idle: () => measure(nothing),
    deliver(message) {
      onmessage?.({ data: message });
    },
    quantum(at) {
      frame = at;
      return measure(render);
    },
  };
}
