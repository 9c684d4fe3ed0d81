// Chromium page script for the real-time capacity benchmark: N sampler instruments of 4
// voices, each striking a one-shot note on every other 120 ms row, scheduled 200 ms ahead
// through the public API on a real-time AudioContext. Chromium's own glitch counter
// (`playbackStats.underrunEvents`) says whether the audio thread kept up.
import { createDedicatedInstrument, createWorkletPool } from '../dist/index.js';

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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Chromium's glitch counters, as numbers (absent on browsers without playbackStats). */
function underruns(context) {
  const stats = context.playbackStats?.toJSON?.() ?? context.playbackStats;
  if (!stats) throw new Error('this browser has no AudioContext.playbackStats');
  return { events: stats.underrunEvents, seconds: stats.underrunDuration };
}

/**
 * Creates `instruments` instruments in `mode` ('dedicated', 'pooled' = the pool's defaults,
 * 'pooled-shared', 'pooled-per-instrument'), plays them for `seconds` after one second of
 * warm-up and returns the underruns seen, the nodes used and any creation failure.
 */
export async function run(mode, instruments, seconds) {
  const context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  await context.resume();
  const all = [];
  let failure = null;
  let nodes = 0;
  let pool = null;
  try {
    if (mode === 'dedicated') {
      for (let k = 0; k < instruments; k++) {
        all.push(await createDedicatedInstrument(context, `i${k}`, patch(k), { voices: 4 }));
        nodes++;
      }
    } else {
      const outputs =
        mode === 'pooled-shared'
          ? { outputs: 'shared' }
          : mode === 'pooled-per-instrument'
            ? { outputs: 'per-instrument' }
            : {};
      pool = await createWorkletPool(context, { strategy: 'fixed-blocks', voicesPerWorklet: 16, ...outputs });
      for (let k = 0; k < instruments; k++) {
        all.push(await pool.createInstrument(`i${k}`, patch(k), { voices: 4 }));
      }
      nodes = pool.stats().nodesCreated;
    }
  } catch (error) {
    failure = `${error?.name ?? 'Error'}${error?.code ? ` ${error.code}` : ''}: ${error?.message ?? String(error)} (after ${all.length} instruments)`;
  }
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
    await sleep(1500); // warm-up: tier-up and the first stats update
    const before = underruns(context);
    await sleep(seconds * 1000);
    await sleep(1100); // playbackStats updates about once a second
    const after = underruns(context);
    return {
      mode,
      instruments,
      failure: null,
      nodes,
      events: after.events - before.events,
      seconds: after.seconds - before.seconds,
    };
  } finally {
    clearInterval(timer);
    for (const inst of all) inst.dispose();
    await context.close();
  }
}
