// Chromium page script for the real-time capacity benchmark: N sampler instruments of 4
// voices, each striking a one-shot note on every other 120 ms row, scheduled 200 ms ahead
// through the public API on a real-time AudioContext. Chromium's own glitch counter
// (`playbackStats.underrunEvents`) says whether the audio thread kept up.
import { createDedicatedInstrument, createWorkletPool } from '../dist/index.js';
import { creationFailure, listenForUnderruns } from './underruns.mjs';

const ROW = 0.12;
const LOOKAHEAD = 0.2;

function patch(k) {
  // A 0.25 s one-shot, different per instrument, decaying so every note has a real tail.
  const data = new Int8Array(4000);
  for (let i = 0; i < data.length; i++) {
    const decay = 1 - i / data.length;
    data[i] = Math.round(Math.sin((i * (k + 5)) / 23) * 100 * decay);
  }
  return { kind: 'sampler', data, loopStart: 0, loopLength: 0 };
}

const OUTPUTS = {
  dedicated: null,
  pooled: {},
  'pooled-shared': { outputs: 'shared' },
  'pooled-per-instrument': { outputs: 'per-instrument' },
};

/**
 * Creates `instruments` instruments in `mode` ('dedicated', 'pooled' = the pool's defaults,
 * 'pooled-shared', 'pooled-per-instrument') on `context`: the instruments made, the nodes
 * they use and the error that stopped creation, if one did.
 */
async function build(context, mode, instruments) {
  const all = [];
  let failure = null;
  let nodes = 0;
  try {
    if (!(mode in OUTPUTS)) throw new Error(`unknown mode ${mode}`);
    if (mode === 'dedicated') {
      for (let k = 0; k < instruments; k++) {
        all.push(await createDedicatedInstrument(context, `i${k}`, patch(k), { voices: 4 }));
        nodes++;
      }
    } else {
      const pool = await createWorkletPool(context, {
        strategy: 'fixed-blocks',
        voicesPerWorklet: 16,
        ...OUTPUTS[mode],
      });
      for (let k = 0; k < instruments; k++)
        all.push(await pool.createInstrument(`i${k}`, patch(k), { voices: 4 }));
      nodes = pool.stats().nodesCreated;
    }
  } catch (error) {
    failure = creationFailure(error, `${all.length} instruments`);
  }
  return { all, nodes, failure };
}

/**
 * Creates `instruments` instruments in `mode` without playing them and reports how many
 * were made before any failure: the engines of a context share one WebAssembly memory, so
 * creation is not capped by the browser's limit on memories per page.
 */
export async function create(mode, instruments) {
  const context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  const { all, nodes, failure } = await build(context, mode, instruments);
  for (const inst of all) inst.dispose();
  await context.close();
  return { mode, instruments, created: all.length, nodes, failure };
}

/**
 * Creates `instruments` instruments in `mode` (see build), plays them for `seconds` after
 * one second of warm-up and returns the underruns seen, the nodes used and any creation
 * failure.
 */
export async function run(mode, instruments, seconds) {
  const context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  await context.resume();
  const { all, nodes, failure } = await build(context, mode, instruments);
  if (failure !== null) {
    for (const inst of all) inst.dispose();
    await context.close();
    return { mode, instruments, failure, nodes, events: null, seconds: null };
  }
  // Lookahead scheduler, as a tracker player does it: every 25 ms, schedule every row that
  // starts within the next 200 ms.
  let nextRow = context.currentTime + 0.1;
  let row = 0;
  const periods = [428, 381, 339, 285];
  const tick = () => {
    while (nextRow < context.currentTime + LOOKAHEAD) {
      for (let k = 0; k < all.length; k++) {
        if ((row + k) % 2 !== 0) continue;
        all[k].noteOn({ time: nextRow, period: periods[(row + k) % 4], volume: 16 });
      }
      nextRow += ROW;
      row++;
    }
  };
  tick();
  const timer = setInterval(tick, 25);
  try {
    const heard = await listenForUnderruns(context, seconds);
    return {
      mode,
      instruments,
      failure: null,
      nodes,
      events: heard.events,
      seconds: heard.seconds,
    };
  } finally {
    clearInterval(timer);
    for (const inst of all) inst.dispose();
    await context.close();
  }
}
