// chiptune3 (libopenmpt compiled to WASM, running in an AudioWorkletProcessor) rendered
// offline in node-web-audio-api, as the reference point for the songbank benchmark.
//
// chiptune3's main-thread class (ChiptuneJsPlayer) only works with a browser-style
// module URL and fetch(), so this drives its worklet directly, the way that class does:
// addModule(chiptune3.worklet.js), an AudioWorkletNode 'libopenmpt-processor' with one
// stereo output, a 'config' message, then 'play' with the song's bytes. The processor
// answers 'meta' once libopenmpt has parsed the song; only then does rendering start,
// so the measured time is rendering alone.
//
// Run directly for the x-real-time figures: node bench/chiptune3.mjs [seconds=60] [runs=3]
// Worklet rendering in node-web-audio-api hands every render quantum between threads,
// so its speed collapses when other processes compete for the cores: measure on an
// otherwise idle machine.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const workletPath = require.resolve('chiptune3/chiptune3.worklet.js');
const readyPath = resolve(here, 'chiptune3-ready.mjs');
const chiptune3Version = JSON.parse(
  readFileSync(resolve(dirname(workletPath), 'package.json'), 'utf8'),
).version;

/** How long to wait for libopenmpt to accept the song before giving up. */
const LOAD_TIMEOUT_MS = 20_000;

/** Peak, RMS and the first non-zero frame over every channel of an AudioBuffer. */
export function measureBuffer(buffer) {
  let peak = 0;
  let energy = 0;
  let firstSoundFrame = -1;
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const data = buffer.getChannelData(c);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v !== 0 && (firstSoundFrame < 0 || i < firstSoundFrame)) firstSoundFrame = i;
      const a = Math.abs(v);
      if (a > peak) peak = a;
      energy += v * v;
    }
  }
  const rms = Math.sqrt(energy / Math.max(1, buffer.length * buffer.numberOfChannels));
  return { peak, rms, firstSoundFrame };
}

/**
 * Renders `seconds` of the module `bytes` with chiptune3 in an OfflineAudioContext at
 * `sampleRate`. Resolves with the rendered seconds, the wall time of startRendering()
 * alone (wallMs) and the process CPU time it took (cpuMs), x real time by each, the
 * song's duration according to libopenmpt, peak, RMS, the first sounding frame and the
 * AudioBuffer. Rejects when libopenmpt refuses the file or the render is silent.
 */
export async function renderWithChiptune3(bytes, seconds, sampleRate = 48_000) {
  const length = Math.round(seconds * sampleRate);
  const context = new OfflineAudioContext({ numberOfChannels: 2, length, sampleRate });
  await context.audioWorklet.addModule(workletPath);
  await context.audioWorklet.addModule(readyPath);
  const node = new AudioWorkletNode(context, 'libopenmpt-processor', {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [2],
  });
  node.connect(context.destination);

  let progressMessages = 0;
  const meta = await new Promise((resolveMeta, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`chiptune3: no answer to 'play' in ${LOAD_TIMEOUT_MS} ms`)),
      LOAD_TIMEOUT_MS,
    );
    node.port.onmessage = (event) => {
      const { cmd } = event.data;
      if (cmd === 'pos') progressMessages++;
      else if (cmd === 'meta') {
        clearTimeout(timer);
        resolveMeta(event.data.meta);
      } else if (cmd === 'err') {
        clearTimeout(timer);
        reject(new Error(`chiptune3: libopenmpt refused the module (${event.data.val})`));
      }
    };
    // repeatCount 0: play the song once, then silence, as the other renderers do.
    node.port.postMessage({
      cmd: 'config',
      val: { repeatCount: 0, stereoSeparation: 100, interpolationFilter: 0 },
    });
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    node.port.postMessage({ cmd: 'play', val: copy }, [copy]);
  }).catch(async (error) => {
    // Render the context anyway: an unrendered context with worklets slows every later one.
    await context.startRendering();
    throw error;
  });

  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const buffer = await context.startRendering();
  const wallMs = performance.now() - start;
  // CPU time of the whole process (render thread, worklet thread, main thread): unlike
  // wall time, it barely moves when other processes compete for the cores.
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const { peak, rms, firstSoundFrame } = measureBuffer(buffer);
  if (!(peak > 0)) throw new Error('chiptune3: the render is silent');
  return {
    seconds: buffer.length / sampleRate,
    wallMs,
    cpuMs,
    xRealTime: buffer.length / sampleRate / (wallMs / 1000),
    xPerCpuSecond: buffer.length / sampleRate / (cpuMs / 1000),
    songSeconds: meta.dur,
    libopenmptVersion: meta.libopenmptVersion,
    peak,
    rms,
    firstSoundFrame,
    progressMessages,
    buffer,
    meta,
  };
}

/** The versions this harness measures. */
export const versions = { chiptune3: chiptune3Version };

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

async function main() {
  const seconds = Number(process.argv[2] ?? 60);
  const runs = Number(process.argv[3] ?? 3);
  const fixtures = process.env.WORKLETPOOL_FIXTURES ?? resolve(here, '../../../../shared/fixtures/mod');
  const songs = ['peacedroid.mod', 'sundance.mod'];
  const load = (name) => new Uint8Array(readFileSync(resolve(fixtures, 'songs', name)));
  // The first libopenmpt render in a process also pays for compiling the WASM; later
  // worklet scopes reuse the compiled code. Warm up once so every figure is steady-state.
  await renderWithChiptune3(load(songs[0]), 20, 48_000);
  const rows = [];
  for (const name of songs) {
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await renderWithChiptune3(load(name), seconds, 48_000));
    const r = results[0];
    const wall = median(results.map((x) => x.wallMs));
    const cpu = median(results.map((x) => x.cpuMs));
    rows.push({
      song: name,
      'rendered s': r.seconds.toFixed(1),
      'median wall ms': wall.toFixed(0),
      'x real time': (r.seconds / (wall / 1000)).toFixed(1),
      'median cpu ms': cpu.toFixed(0),
      'x per cpu s': (r.seconds / (cpu / 1000)).toFixed(1),
      'runs (x wall)': results.map((x) => x.xRealTime.toFixed(1)).join(' '),
      'song s': r.songSeconds.toFixed(1),
      peak: r.peak.toFixed(3),
      rms: r.rms.toFixed(4),
    });
  }
  console.log(
    `chiptune3 ${chiptune3Version} (libopenmpt in an AudioWorklet) in a node-web-audio-api OfflineAudioContext, 48 kHz stereo, median of ${runs}`,
  );
  console.table(rows);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
