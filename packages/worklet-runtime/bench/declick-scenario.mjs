// The declick render scenario, shared by node-web-audio-api and the Chromium page: N pooled
// sampler instruments of 4 voices with tracker-like traffic (every voice changes volume
// each 20 ms tick and is retriggered every sixth tick), all scheduled before an offline
// render, with declicking on or off.
import { createWorkletPool } from '../dist/index.js';

const RATE = 48000;
const TICK = 0.02;

function sample(k) {
  const data = new Int8Array(8192);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.sin((i * (k + 3)) / 40) * 90);
  return { kind: 'sampler', data, loopStart: 4096, loopLength: 4096 };
}

/** Renders `seconds` and returns the wall-clock milliseconds of the render. */
export async function renderDeclick(audio, declick, instruments, seconds) {
  const context = new audio.OfflineAudioContext({
    numberOfChannels: 2,
    length: Math.round(seconds * RATE),
    sampleRate: RATE,
  });
  const inject =
    audio.AudioWorkletNode === globalThis.AudioWorkletNode
      ? {}
      : { AudioWorkletNode: audio.AudioWorkletNode };
  const pool = await createWorkletPool(context, {
    strategy: 'fixed-blocks',
    outputs: 'shared',
    declick,
    ...inject,
  });
  const periods = [428, 339, 285, 214];
  for (let k = 0; k < instruments; k++) {
    const inst = await pool.createInstrument(`i${k}`, sample(k), { voices: 4 });
    for (let tick = 0; tick * TICK < seconds; tick++) {
      const time = tick * TICK;
      for (let v = 0; v < 4; v++) {
        if (tick % 6 === 0)
          inst.noteOn({ time, voice: v, period: periods[v], volume: 40, pan: v / 2 - 0.75 });
        else inst.set({ time, voice: v, volume: tick % 2 === 0 ? 24 : 48 });
      }
    }
  }
  await pool.flush();
  const t0 = performance.now();
  await context.startRendering();
  return performance.now() - t0;
}
