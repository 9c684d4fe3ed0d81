// Transport benchmark: what carrying voice events as batches of fixed-size records costs
// against the protocol before them (one structured message per event), side by side in
// one run. The "before" is this package as of a git commit (WORKLETPOOL_BENCH_BASELINE,
// default the last one with per-event messages), built once into bench/.baseline/.
//
// 1. The processor alone, in this thread (its bundle around a minimal worklet scope, every
//    message structured-cloned as a port would): ns per voice-frame of 16 looped voices
//    with a set on every voice every quantum, and with no events at all.
// 2. node-web-audio-api offline renders of 7 and 31 sampler instruments whose 4 voices
//    each get a volume and pitch change every 20 ms (a tracker tick): x real time from the
//    first event scheduled to the end of the render.
//
// WORKLETPOOL_BENCH_SECONDS (audio seconds per render, default 10) and
// WORKLETPOOL_BENCH_RUNS (repetitions, the fastest taken, default 3) tune it.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const baselineCommit = process.env.WORKLETPOOL_BENCH_BASELINE ?? '642453a';
const seconds = Number(process.env.WORKLETPOOL_BENCH_SECONDS ?? 10);
const runs = Number(process.env.WORKLETPOOL_BENCH_RUNS ?? 3);
const RATE = 48000;
const QUANTUM = 128;

/** Builds the baseline package (once per commit) and returns its directory. */
function baseline() {
  const root = join(here, '.baseline', baselineCommit);
  const dir = join(root, 'packages/worklet-runtime');
  if (existsSync(join(dir, 'dist/index.js'))) return dir;
  mkdirSync(root, { recursive: true });
  const repo = execSync('git rev-parse --show-toplevel', { cwd: here }).toString().trim();
  execSync(
    `git archive ${baselineCommit} packages/worklet-runtime tsup.preset.ts tsconfig.base.json | tar -x -C "${root}"`,
    { cwd: repo, stdio: 'inherit' },
  );
  // Inside this package's folder, the copy resolves its dependencies and tools from here.
  const path = `${join(packageDir, 'node_modules/.bin')}:${join(repo, 'node_modules/.bin')}:${process.env.PATH}`;
  execSync(
    'asc assembly/index.ts -O3 --runtime stub --noAssert --initialMemory 1 -o build/engine.wasm && tsup',
    { cwd: dir, stdio: 'ignore', env: { ...process.env, PATH: path } },
  );
  return dir;
}

// ---- 1. the processor alone ------------------------------------------------------------

/** The processor bundle in this thread: deliver() clones like a port; quantum() renders. */
function hostProcessor(source, processorOptions, outputs) {
  let ctor;
  let onmessage = null;
  const port = {
    postMessage() {},
    set onmessage(handler) {
      onmessage = handler;
    },
  };
  let frame = 0;
  globalThis.registerProcessor = (_name, c) => {
    ctor = c;
  };
  globalThis.AudioWorkletProcessor = class {
    port = port;
  };
  globalThis.sampleRate = RATE;
  Object.defineProperty(globalThis, 'currentFrame', { configurable: true, get: () => frame });
  new Function(source)();
  const processor = new ctor({ numberOfOutputs: outputs, processorOptions });
  const out = Array.from({ length: outputs }, () => [new Float32Array(QUANTUM), new Float32Array(QUANTUM)]);
  return {
    deliver(message, transfer = []) {
      onmessage?.({ data: structuredClone(message, { transfer }) });
    },
    quantum(at) {
      frame = at;
      processor.process([], out);
    },
  };
}

function loopedPatch(k) {
  const data = new Int8Array(8192);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.sin((i * (k + 3)) / 40) * 90);
  return {
    kind: 'sampler',
    format: 'int8',
    frames: data.length,
    data: data.buffer,
    loopStart: 4096,
    loopLength: 4096,
    volume: 64,
    finetune: 0,
    baseFrequency: 8363,
    interpolation: 'linear',
  };
}

/**
 * Nanoseconds per voice-frame of 16 looped voices over `quanta` quanta, with
 * `setsPerQuantum` sets each quantum, sent as the protocol of `dialect` asks.
 */
function processorCost(source, dialect, encodeCommands, setsPerQuantum, quanta) {
  const module = new WebAssembly.Module(readFileSync(join(dirname(source.path), '../build/engine.wasm')));
  const host = hostProcessor(source.text, { module, voices: 16, slots: 4 }, 4);
  let id = 1;
  for (let s = 0; s < 4; s++) {
    host.deliver({ type: 'assign', id: id++, frame: 0, slot: s, start: s * 4, count: 4 });
    const patch = loopedPatch(s);
    host.deliver({ type: 'load', id: id++, frame: 0, slot: s, patch }, [patch.data]);
  }
  const note = (slot, voice) => ({
    type: 'note-on',
    id: id++,
    frame: 0,
    slot,
    voice,
    period: 214 + 17 * voice,
    pan: 0,
    offset: 0,
    velocity: 1,
  });
  const send = (events) => {
    if (events.length === 0) return;
    if (dialect === 'messages') for (const e of events) host.deliver(e);
    else {
      const batch = encodeCommands(id++, events);
      host.deliver(batch, [batch.records.buffer]);
    }
  };
  send(Array.from({ length: 16 }, (_, v) => note(v >> 2, v)));
  const run = (count) => {
    const start = performance.now();
    for (let q = 0; q < count; q++) {
      const events = [];
      for (let k = 0; k < setsPerQuantum; k++) {
        const voice = k % 16;
        events.push({
          type: 'set',
          id: id++,
          frame: (q + 1) * QUANTUM + ((k * 7) % QUANTUM),
          slot: voice >> 2,
          voice,
          volume: (q + k) % 65,
          period: 200 + ((q + k) % 200),
        });
      }
      send(events);
      host.quantum(q * QUANTUM);
    }
    return performance.now() - start;
  };
  run(Math.min(2000, quanta)); // warm-up
  const ms = run(quanta);
  return (ms * 1e6) / (16 * QUANTUM * quanta);
}

// ---- 2. offline renders ----------------------------------------------------------------

function samplePatch(k) {
  const data = new Int8Array(8192);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.sin((i * (k + 3)) / 40) * 90);
  return { kind: 'sampler', data, loopStart: 4096, loopLength: 4096 };
}

/** Wall-clock ms from the first scheduled event to the end of the render. */
async function renderWithTicks(api, instruments) {
  const context = new OfflineAudioContext({ numberOfChannels: 2, length: seconds * RATE, sampleRate: RATE });
  const pool = await api.createWorkletPool(context, { AudioWorkletNode, outputs: 'shared' });
  const all = [];
  for (let k = 0; k < instruments; k++)
    all.push(await pool.createInstrument(`i${k}`, samplePatch(k), { voices: 4 }));
  const start = performance.now();
  const periods = [428, 339, 285, 214];
  for (const inst of all) {
    for (let v = 0; v < 4; v++) inst.noteOn({ time: 0, voice: v, period: periods[v], volume: 40 });
  }
  for (let t = 0.02; t < seconds; t += 0.02) {
    for (const inst of all) {
      for (let v = 0; v < 4; v++) {
        inst.set({
          time: t,
          voice: v,
          volume: 20 + ((t * 50 + v) % 40),
          period: periods[v] + ((t * 50) % 8),
        });
      }
    }
  }
  await pool.flush();
  await context.startRendering();
  const ms = performance.now() - start;
  pool.dispose();
  return ms;
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const fmt = (x, d) => x.toFixed(d);

const baseDir = baseline();
const now = {
  api: await import(pathToFileURL(join(packageDir, 'dist/index.js')).href),
  processor: { path: join(packageDir, 'dist/processor.js') },
  dialect: 'records',
};
const before = {
  api: await import(pathToFileURL(join(baseDir, 'dist/index.js')).href),
  processor: { path: join(baseDir, 'dist/processor.js') },
  dialect: 'messages',
};
for (const side of [now, before]) side.processor.text = readFileSync(side.processor.path, 'utf8');

console.log(
  `transport benchmark: records in batches (now) against one message per event (${baselineCommit}); load average ${load()}\n`,
);

const quanta = 20000;
const cost = { now: { 0: [], 16: [] }, before: { 0: [], 16: [] } };
for (let r = 0; r < runs; r++) {
  for (const sets of [0, 16]) {
    for (const [name, side] of [
      ['now', now],
      ['before', before],
    ]) {
      cost[name][sets].push(
        processorCost(side.processor, side.dialect, now.api.encodeCommands, sets, quanta),
      );
    }
  }
}
const best = (xs) => Math.min(...xs);
console.log('processor alone, 16 looped voices, ns per voice-frame (best of runs):');
console.log('| events per quantum | before | now | now / before |');
console.log('|---|---|---|---|');
for (const sets of [0, 16]) {
  const b = best(cost.before[sets]);
  const n = best(cost.now[sets]);
  console.log(
    `| ${sets === 0 ? 'none' : `${sets} sets`} | ${fmt(b, 2)} | ${fmt(n, 2)} | ${fmt(n / b, 2)}x |`,
  );
}

const renders = new Map();
for (let r = 0; r < runs; r++) {
  for (const n of [7, 31]) {
    for (const [name, side] of [
      ['now', now],
      ['before', before],
    ]) {
      const key = `${n}:${name}`;
      renders.set(key, [...(renders.get(key) ?? []), await renderWithTicks(side.api, n)]);
    }
  }
}
console.log(
  `\nnode-web-audio-api offline, ${seconds} s, 4 voices per instrument, a set on every voice every 20 ms, shared outputs; x real time (best of ${runs}):`,
);
console.log('| instruments | events | before | now | now / before |');
console.log('|---|---|---|---|---|');
for (const n of [7, 31]) {
  const xrt = (name) => (seconds * 1000) / best(renders.get(`${n}:${name}`));
  const events = n * 4 * Math.round(seconds / 0.02);
  console.log(
    `| ${n} | ${events} | ${fmt(xrt('before'), 1)} | ${fmt(xrt('now'), 1)} | ${fmt(xrt('now') / xrt('before'), 2)}x |`,
  );
}
console.log(`\nload average at the end: ${load()}`);
