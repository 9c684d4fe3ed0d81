// One benchmark scenario, shared by the node-web-audio-api run and the Chromium page:
// N sampler instruments of 4 voices playing the same held notes, rendered offline,
// as pooled instruments (each with its own output, or sharing one output per worklet),
// as dedicated instruments, or as empty worklets (the node-count floor: what a render
// costs when worklets do nothing at all).
import { createDedicatedInstrument, createWorkletPool } from '../dist/index.js';

const RATE = 48000;

/** A trivial processor: the fixed cost of a node and nothing else. */
const EMPTY_PROCESSOR = `registerProcessor('workletpool-bench-empty', class extends AudioWorkletProcessor {
  process() { return true; }
});`;

const emptyAdded = new WeakMap();

function sample(k) {
  // A different looped int8 sample per instrument (PT style, 8 KiB each).
  const data = new Int8Array(8192);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.sin((i * (k + 3)) / 40) * 90);
  return { kind: 'sampler', data, loopStart: 4096, loopLength: 4096 };
}

function playNotes(inst) {
  const periods = [428, 339, 285, 214];
  for (let v = 0; v < 4; v++)
    inst.noteOn({ time: 0, voice: v, period: periods[v], volume: 40, pan: v / 2 - 0.75 });
}

/**
 * Renders `seconds` of the scenario and returns wall-clock milliseconds of the render,
 * the nodes it used and, for pooled runs, WASM memory per worklet against its sample bytes.
 * `audio` holds the Web Audio classes: { OfflineAudioContext, AudioWorkletNode }.
 */
export async function renderScenario(audio, mode, instruments, seconds) {
  const context = new audio.OfflineAudioContext({
    numberOfChannels: 2,
    length: Math.round(seconds * RATE),
    sampleRate: RATE,
  });
  const inject =
    audio.AudioWorkletNode === globalThis.AudioWorkletNode
      ? {}
      : { AudioWorkletNode: audio.AudioWorkletNode };
  let nodes = 0;
  let memory = [];
  if (mode === 'pooled' || mode === 'pooled-shared') {
    const outputs = mode === 'pooled' ? 'per-instrument' : 'shared';
    const pool = await createWorkletPool(context, { strategy: 'fixed-blocks', outputs, ...inject });
    for (let k = 0; k < instruments; k++)
      playNotes(await pool.createInstrument(`i${k}`, sample(k), { voices: 4 }));
    await pool.flush();
    const stats = await pool.report();
    nodes = stats.nodesCreated;
    memory = stats.render.map((r) => {
      const owners = stats.allocations.filter((a) => a.worklet === r.index).length;
      return { wasmBytes: r.memoryBytes, sampleBytes: owners * 8192 };
    });
  } else if (mode === 'dedicated') {
    const all = [];
    for (let k = 0; k < instruments; k++) {
      const inst = await createDedicatedInstrument(context, `i${k}`, sample(k), { voices: 4, ...inject });
      playNotes(inst);
      all.push(inst);
    }
    await Promise.all(all.map((i) => i.flush()));
    nodes = instruments;
  } else {
    const count = mode === 'empty-pooled' ? Math.ceil(instruments / 4) : instruments;
    if (!emptyAdded.has(context)) {
      const url = URL.createObjectURL(new Blob([EMPTY_PROCESSOR], { type: 'text/javascript' }));
      await context.audioWorklet.addModule(url);
      URL.revokeObjectURL(url);
      emptyAdded.set(context, true);
    }
    for (let k = 0; k < count; k++) {
      const node = new audio.AudioWorkletNode(context, 'workletpool-bench-empty', {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [2],
      });
      node.connect(context.destination);
    }
    nodes = count;
  }
  const t0 = performance.now();
  await context.startRendering();
  const ms = performance.now() - t0;
  return { ms, nodes, memory };
}
