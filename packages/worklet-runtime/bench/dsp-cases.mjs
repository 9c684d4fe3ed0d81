// The engine-alone DSP measurement, written once for the three places it runs: Node's
// main thread, and an AudioWorklet of headless Chromium (bundled into the worklet's
// script), so the figures of both come from the same cases and the same loop. It uses
// nothing but WebAssembly and the clock and tier probe it is handed.

const RATE = 48_000;
const QUANTUM = 128;
/** A tracker tick at 125 BPM, in frames. */
const TICK = 960;

/** Tracker-like traffic: per voice, a volume change every tick and a retrigger every sixth tick. */
function busy(e, voices, quantum) {
  const frame = quantum * QUANTUM;
  const tick = Math.floor(frame / TICK);
  if (frame % TICK >= QUANTUM) return;
  for (let v = 0; v < voices; v++) {
    if (tick % 6 === 5) e.noteOn(v, v, v, 0, 214 + 17 * v, 40, 0.3, 0, 1, 0);
    else e.setVolume(v, tick % 2 === 0 ? 24 : 48);
  }
}

function sampler(format, interpolate) {
  return (e, voices) => {
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
      // Amiga periods 214 + 17v: from C-3 down about an octave and a half, steps 0.35 to 0.74.
      e.noteOn(v, v, v, 0, 214 + 17 * v, 40, 0.3, 0, 1, 0);
    }
  };
}

function synth(waveform) {
  return (e, voices) => {
    for (let v = 0; v < voices; v++) {
      e.stageSynth(v, waveform, 0.01, 0.1, 0.7, 0.2, 3000, 0.3, 64);
      e.noteOn(v, v, v, 1, 220 + 13 * v, 40, -0.2, 0, 1, 0);
    }
  };
}

/** The cases: name, how the voices are set up, and the events sent before each quantum. */
export const CASES = [
  { name: 'sampler int8, linear', setup: sampler(1, 1) },
  { name: 'sampler int8, none', setup: sampler(1, 0) },
  { name: 'sampler int16, linear', setup: sampler(2, 1) },
  { name: 'sampler float32, linear', setup: sampler(3, 1) },
  { name: 'synth saw', setup: synth(2) },
  { name: 'synth sine', setup: synth(0) },
  { name: 'sampler int8, linear, busy', setup: sampler(1, 1), events: busy },
  { name: 'synth saw, busy', setup: synth(2), events: busy },
];

/**
 * Source of a function telling which V8 tier holds a function's code ('TurboFan',
 * 'Liftoff' or 'none'); it compiles only where natives syntax is allowed
 * (--allow-natives-syntax), so callers build it with `new Function` and fall back.
 */
export const TIER_PROBE_SOURCE =
  "return %IsTurboFanFunction(f) ? 'TurboFan' : %IsLiftoffFunction(f) ? 'Liftoff' : 'none'";

/** The tier probe where natives syntax is allowed, otherwise one that answers 'unknown'. */
export function makeTierProbe() {
  try {
    // Compiling is the test: without natives syntax this throws a SyntaxError. (Calling it
    // on anything but an exported WASM function would abort V8.)
    return new Function('f', TIER_PROBE_SOURCE);
  } catch {
    return () => 'unknown';
  }
}

/**
 * Runs every case on every build, declicking on and off, `runs` times interleaved, and
 * returns, per case and build, the fastest ns per voice-frame and the tier `render` was in
 * when each build's first measurement began and ended.
 *
 * Warm-up: a module's first instance renders until V8 reports `render` in TurboFan (or,
 * where the tier cannot be read or never changes, for `warmupMs` of wall time), since
 * V8 tiers a hot function up on a background thread and only calls after that use the
 * optimised code; later instances of the same module share its code and warm up for 200
 * quanta.
 */
export function runDsp({ builds, voices, seconds, runs, now, tierOf, warmupMs = 2000 }) {
  const quanta = Math.round((seconds * RATE) / QUANTUM);
  const warmed = new Set();
  const tiers = {};
  function measure(build, c, declick) {
    // Today's engine imports its memory; an earlier one ignores the import object.
    const e = new WebAssembly.Instance(build.module, {
      env: { memory: new WebAssembly.Memory({ initial: 1 }) },
    }).exports;
    if (e.init(voices, voices, voices, RATE, 0) !== 0) throw new Error('init failed');
    e.setDeclick(declick ? 1 : 0);
    c.setup(e, voices);
    const quantum = (q) => {
      e.beginQuantum();
      c.events?.(e, voices, q);
      e.render(0, QUANTUM);
    };
    let q = 0;
    const w0 = now();
    const first = !warmed.has(build.label);
    while (q < 200 || (first && tierOf(e.render) !== 'TurboFan' && now() - w0 < warmupMs)) quantum(q++);
    warmed.add(build.label);
    const tierBefore = tierOf(e.render);
    const t0 = now();
    for (let k = 0; k < quanta; k++) quantum(q++);
    const ms = now() - t0;
    if (first) tiers[build.label] = { warmupMs: t0 - w0, before: tierBefore, after: tierOf(e.render) };
    let sounding = 0;
    for (let v = 0; v < voices; v++) sounding += e.voiceActive(v);
    if (sounding !== voices) throw new Error(`only ${sounding} of ${voices} voices still sound`);
    return (ms * 1e6) / (quanta * QUANTUM * voices);
  }
  const rows = CASES.map((c) => {
    const best = {};
    for (const b of builds) best[b.label] = { on: Infinity, off: Infinity };
    for (let r = 0; r < runs; r++) {
      for (const b of builds) {
        best[b.label].on = Math.min(best[b.label].on, measure(b, c, true));
        best[b.label].off = Math.min(best[b.label].off, measure(b, c, false));
      }
    }
    return { name: c.name, best };
  });
  return { rows, tiers };
}
