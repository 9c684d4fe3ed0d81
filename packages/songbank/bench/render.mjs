// Offline render speed of real MOD files, side by side in one run: the song bank pooled
// (as a song renderer: shared worklet outputs on 64-voice worklets; and with the defaults:
// shared outputs on 16-voice worklets), dedicated (one worklet per instrument)
// and simplified (no worklet), and chiptune3 (libopenmpt in an AudioWorklet). Each configuration renders the same seconds of the
// same song at the same rate; the best of several runs counts, in alternating order so
// that no configuration always runs on a warmer machine.
//
//   node bench/render.mjs [seconds] [runs]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { createSongBank, loadMod, songDuration } from '../dist/index.js';
import { renderWithChiptune3, versions } from './chiptune3.mjs';

const fixtures =
  process.env.WORKLETPOOL_FIXTURES ?? resolve(import.meta.dirname, '../../../../shared/fixtures/mod');
const seconds = Number(process.argv[2] ?? 60);
const runs = Number(process.argv[3] ?? 3);
const sampleRate = 48_000;
const songs = ['peacedroid.mod', 'sundance.mod'];

const configs = {
  // What a song renderer needs: only the mix, so each worklet has one stereo output.
  pooled: { pooling: true, strategy: 'fixed-blocks', outputs: 'shared', voicesPerWorklet: 64 },
  // The bank's defaults: the pool's shared outputs on 16-voice worklets.
  perInstrument: { pooling: true, strategy: 'fixed-blocks' },
  dedicated: { pooling: false },
  simplified: { simplifiedMod: true },
};

async function renderBank(song, options) {
  const context = new OfflineAudioContext({
    numberOfChannels: 2,
    length: Math.round(seconds * sampleRate),
    sampleRate,
  });
  const bank = await createSongBank(context, { AudioWorkletNode, ...options });
  await bank.prepareSong(song);
  const stats = bank.getStats();
  const started = performance.now();
  const buffer = await bank.render(song, { seconds });
  const wallMs = performance.now() - started;
  bank.dispose();
  let peak = 0;
  for (let c = 0; c < 2; c++) for (const v of buffer.getChannelData(c)) peak = Math.max(peak, Math.abs(v));
  if (!(peak > 0)) throw new Error('silent render');
  return { x: seconds / (wallMs / 1000), nodes: stats.nodesCreated, instruments: stats.instruments.length };
}

console.log(
  `songbank offline render, ${seconds} s at ${sampleRate} Hz, best of ${runs}; node-web-audio-api; ` +
    `chiptune3 ${versions.chiptune3}; load average ${loadavg()[0].toFixed(2)}\n`,
);
const rows = [];
for (const name of songs) {
  const bytes = new Uint8Array(readFileSync(resolve(fixtures, 'songs', name)));
  const song = loadMod(bytes);
  const best = { pooled: 0, perInstrument: 0, dedicated: 0, simplified: 0, chiptune3: 0 };
  const nodes = {};
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? Object.keys(configs) : Object.keys(configs).reverse();
    for (const key of order) {
      const result = await renderBank(song, configs[key]);
      best[key] = Math.max(best[key], result.x);
      nodes[key] = result.nodes;
      nodes.instruments = result.instruments;
    }
    const openmpt = await renderWithChiptune3(bytes, seconds, sampleRate);
    best.chiptune3 = Math.max(best.chiptune3, openmpt.xRealTime);
  }
  rows.push({ name, length: songDuration(song), best, nodes });
}

const header = [
  'song',
  'instr.',
  'pooled (shared outputs, 64 voices)',
  'pooled (defaults: shared, 16 voices)',
  'dedicated',
  'simplified',
  'chiptune3',
  'pooled/dedicated',
  'defaults/chiptune3',
  'pooled/chiptune3 (target >= 2)',
];
const table = [header];
for (const { name, best, nodes } of rows) {
  table.push([
    name,
    String(nodes.instruments),
    `${best.pooled.toFixed(1)}x (${nodes.pooled} nodes)`,
    `${best.perInstrument.toFixed(1)}x (${nodes.perInstrument} nodes)`,
    `${best.dedicated.toFixed(1)}x (${nodes.dedicated} nodes)`,
    `${best.simplified.toFixed(1)}x (0 nodes)`,
    `${best.chiptune3.toFixed(1)}x (1 node)`,
    `${(best.pooled / best.dedicated).toFixed(2)}`,
    `${(best.perInstrument / best.chiptune3).toFixed(2)}`,
    `${(best.pooled / best.chiptune3).toFixed(2)} ${best.pooled / best.chiptune3 >= 2 ? 'ok' : 'MISSED'}`,
  ]);
}
const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
for (const [index, row] of table.entries()) {
  console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
console.log('\nx = seconds of audio per second of wall time (x real time); higher is faster.');
