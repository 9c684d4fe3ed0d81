// The voice engine alone, outside any AudioWorklet: nanoseconds per voice-frame for
// looped sampler voices (8-bit, 16-bit and float samples, linear and no interpolation)
// and synth voices, so that DSP changes can be measured without the audio graph's cost.
// Every case runs with declicking on (the default) and off, side by side; the busy cases
// change every voice's volume each tracker tick (20 ms) and retrigger it every sixth
// tick, which is where ramps and fade-out tails cost anything.
//
//   node bench/dsp.mjs [voices=28] [seconds=20] [runs=3]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

const voices = Number(process.argv[2] ?? 28);
const seconds = Number(process.argv[3] ?? 20);
const runs = Number(process.argv[4] ?? 3);
const RATE = 48_000;
const QUANTUM = 128;
const bytes = readFileSync(resolve(import.meta.dirname, '../build/engine.wasm'));
const module = new WebAssembly.Module(bytes);

function engineWith(setup) {
  return (declick) => {
    const e = new WebAssembly.Instance(module, {}).exports;
    if (e.init(voices, voices, voices, RATE, 0) !== 0) throw new Error('init failed');
    e.setDeclick(declick ? 1 : 0);
    setup(e);
    return e;
  };
}

/** Tracker-like traffic: per voice, a volume change every tick and a retrigger every sixth tick. */
const TICK = 960;
function busy(e, quantum) {
  const frame = quantum * QUANTUM;
  const tick = Math.floor(frame / TICK);
  if (frame % TICK >= QUANTUM) return;
  for (let v = 0; v < voices; v++) {
    if (tick % 6 === 5) e.noteOn(v, v, v, 0, 214 + 17 * v, 40, 0.3, 0, 1, 0);
    else e.setVolume(v, tick % 2 === 0 ? 24 : 48);
  }
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

function measure(e, events) {
  const quanta = Math.round((seconds * RATE) / QUANTUM);
  for (let q = 0; q < 200; q++) {
    e.beginQuantum();
    events?.(e, q);
    e.render(0, QUANTUM);
  }
  const t0 = performance.now();
  for (let q = 0; q < quanta; q++) {
    e.beginQuantum();
    events?.(e, q);
    e.render(0, QUANTUM);
  }
  const ms = performance.now() - t0;
  let sounding = 0;
  for (let v = 0; v < voices; v++) sounding += e.voiceActive(v);
  if (sounding !== voices) throw new Error(`only ${sounding} of ${voices} voices still sound`);
  return (ms * 1e6) / (quanta * QUANTUM * voices);
}

const cases = [
  ['sampler int8, linear', sampler(1, 1)],
  ['sampler int8, none', sampler(1, 0)],
  ['sampler int16, linear', sampler(2, 1)],
  ['sampler float32, linear', sampler(3, 1)],
  ['synth saw', synth(2)],
  ['synth sine', synth(0)],
  ['sampler int8, linear, busy', sampler(1, 1), busy],
  ['synth saw, busy', synth(2), busy],
];
console.log(
  `voice engine alone: ${voices} voices, ${seconds} s at ${RATE} Hz, best of ${runs}, declick on and off interleaved; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const rows = cases.map(([name, make, events]) => {
  const on = [];
  const off = [];
  for (let r = 0; r < runs; r++) {
    on.push(measure(make(true), events));
    off.push(measure(make(false), events));
  }
  const nsOn = Math.min(...on);
  const nsOff = Math.min(...off);
  return {
    case: name,
    'ns/voice-frame, declick on': nsOn.toFixed(2),
    'declick off': nsOff.toFixed(2),
    'on / off': (nsOn / nsOff).toFixed(3),
    'x real time per voice (on)': (1e9 / RATE / nsOn).toFixed(0),
  };
});
console.table(rows);
