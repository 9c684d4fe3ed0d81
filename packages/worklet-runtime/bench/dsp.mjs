// The voice engine alone, outside any AudioWorklet: nanoseconds per voice-frame for
// looped sampler voices (8-bit, 16-bit and float samples, linear and no interpolation)
// and synth voices, so that DSP changes can be measured without the audio graph's cost.
//
//   node bench/dsp.mjs [voices=28] [seconds=20]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const voices = Number(process.argv[2] ?? 28);
const seconds = Number(process.argv[3] ?? 20);
const RATE = 48_000;
const QUANTUM = 128;
const bytes = readFileSync(resolve(import.meta.dirname, '../build/engine.wasm'));
const module = new WebAssembly.Module(bytes);

function engineWith(setup) {
  const e = new WebAssembly.Instance(module, {}).exports;
  if (e.init(voices, voices, voices, RATE, 0) !== 0) throw new Error('init failed');
  setup(e);
  return e;
}

function sampler(format, interpolate) {
  return engineWith((e) => {
    const frames = 8192;
    const width = format === 1 ? 1 : format === 2 ? 2 : 4;
    for (let v = 0; v < voices; v++) {
      const ptr = e.alloc(frames * width);
      const mem = e.memory.buffer;
      const view =
        format === 1
          ? new Int8Array(mem, ptr, frames)
          : format === 2
            ? new Int16Array(mem, ptr, frames)
            : new Float32Array(mem, ptr, frames);
      const scale = format === 1 ? 90 : format === 2 ? 20000 : 0.7;
      for (let i = 0; i < frames; i++) view[i] = Math.sin((i * (v + 3)) / 40) * scale;
      e.stageSampler(v, ptr, frames, format, 4096, 4096, 64, 0, 8363, interpolate);
      e.noteOn(v, v, v, 0, 214 + 17 * v, 40, 0.3, 0, 1, 0);
    }
  });
}

function synth(waveform) {
  return engineWith((e) => {
    for (let v = 0; v < voices; v++) {
      e.stageSynth(v, waveform, 0.01, 0.1, 0.7, 0.2, 3000, 0.3, 64);
      e.noteOn(v, v, v, 1, 220 + 13 * v, 40, -0.2, 0, 1, 0);
    }
  });
}

function measure(e) {
  const quanta = Math.round((seconds * RATE) / QUANTUM);
  for (let q = 0; q < 200; q++) {
    e.beginQuantum();
    e.render(0, QUANTUM);
  }
  const t0 = performance.now();
  for (let q = 0; q < quanta; q++) {
    e.beginQuantum();
    e.render(0, QUANTUM);
  }
  const ms = performance.now() - t0;
  let sounding = 0;
  for (let v = 0; v < voices; v++) sounding += e.voiceActive(v);
  if (sounding !== voices) throw new Error(`only ${sounding} of ${voices} voices still sound`);
  return (ms * 1e6) / (quanta * QUANTUM * voices);
}

const cases = [
  ['sampler int8, linear', () => sampler(1, 1)],
  ['sampler int8, none', () => sampler(1, 0)],
  ['sampler int16, linear', () => sampler(2, 1)],
  ['sampler float32, linear', () => sampler(3, 1)],
  ['synth saw', () => synth(2)],
  ['synth sine', () => synth(0)],
];
console.log(`voice engine alone: ${voices} voices, ${seconds} s at ${RATE} Hz, best of 3`);
const rows = cases.map(([name, make]) => {
  const ns = Math.min(...[0, 1, 2].map(() => measure(make())));
  return {
    case: name,
    'ns per voice-frame': ns.toFixed(2),
    'x real time per voice': (1e9 / RATE / ns).toFixed(0),
  };
});
console.table(rows);
