// How close the song bank sounds to libopenmpt (chiptune3 in an AudioWorklet), the player
// most people compare a MOD against. Every song in the fixtures' songs/ folder, and the
// songs of generated-songs.mjs, is rendered by both, in one run, in node-web-audio-api,
// and compared as a listener would notice:
//
// - envelope correlation: the mono loudness envelope (RMS of 50 ms windows) over the
//   first 60 s, Pearson's r between the two renders. Timing drift, wrong tempo, missing or
//   extra notes and wrong volume effects all lower it; pitch and interpolation do not.
// - best lag: the shift of our envelope (5 ms steps, within +-500 ms) that correlates
//   best; positive means the bank plays late.
// - level: RMS of the bank's render over libopenmpt's, in dB, and the bank's peak
//   (above 1 the render clips).
// - length: libopenmpt's one-pass duration against songDuration() at the render's rate.
//
// Volume ramps (declicking) change a render sample by sample but not its 50 ms envelope,
// so the figures hold whichever ramping the bank's defaults use.
//
//   node bench/fidelity.mjs [--seconds 60] [--segments 10] [--check] [song.mod ...]
//
// --segments N also prints, per song, the correlation and best lag of every N-second
// stretch (where a song drifts); --check exits with code 1 when a target is missed.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { createSongBank, loadMod, songDuration, songTempoMode } from '../dist/index.js';
import { renderWithChiptune3, versions } from './chiptune3.mjs';
import { generatedSongs } from './generated-songs.mjs';

const TARGET = { correlation: 0.95, levelDb: 1.5, lengthPercent: 0.1 };
const WINDOW_S = 0.05;
const HOP_S = 0.005;
const MAX_LAG_S = 0.5;
const SAMPLE_RATE = 48_000;

const { values, positionals } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    segments: { type: 'string' },
    check: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const seconds = Number(values.seconds);
const segmentSeconds = values.segments === undefined ? 0 : Number(values.segments);
const fixtures =
  process.env.WORKLETPOOL_FIXTURES ?? resolve(import.meta.dirname, '../../../../shared/fixtures/mod');
const fromFile = (file) => ({ name: basename(file), bytes: new Uint8Array(readFileSync(file)) });
const songs =
  positionals.length > 0
    ? positionals.map((p) => fromFile(resolve(p)))
    : [
        ...readdirSync(resolve(fixtures, 'songs'))
          .filter((f) => /\.mod$/i.test(f))
          .sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }))
          .map((f) => fromFile(resolve(fixtures, 'songs', f))),
        ...generatedSongs(),
      ];

/** (L + R) / 2 of a stereo AudioBuffer. */
function mono(buffer) {
  const left = buffer.getChannelData(0);
  const right = buffer.numberOfChannels > 1 ? buffer.getChannelData(1) : left;
  const out = new Float64Array(buffer.length);
  for (let i = 0; i < out.length; i++) out[i] = (left[i] + right[i]) / 2;
  return out;
}

/** RMS of `window`-frame windows every `hop` frames. */
function envelope(signal, window, hop) {
  const count = Math.max(0, Math.floor((signal.length - window) / hop) + 1);
  const out = new Float64Array(count);
  for (let w = 0; w < count; w++) {
    let energy = 0;
    for (let i = w * hop, end = i + window; i < end; i++) energy += signal[i] * signal[i];
    out[w] = Math.sqrt(energy / window);
  }
  return out;
}

/** Pearson's r of a[i] and b[i + lag] over the indices [from, to) where both exist. */
function pearson(a, b, lag = 0, from = 0, to = a.length) {
  const start = Math.max(from, -lag, 0);
  const end = Math.min(to, a.length, b.length - lag);
  const n = end - start;
  if (n < 3) return Number.NaN;
  let sa = 0;
  let sb = 0;
  for (let i = start; i < end; i++) {
    sa += a[i];
    sb += b[i + lag];
  }
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = start; i < end; i++) {
    const x = a[i] - ma;
    const y = b[i + lag] - mb;
    cov += x * y;
    va += x * x;
    vb += y * y;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Number.NaN;
}

/** The lag (in hops, b relative to a) with the highest correlation over [from, to). */
function bestLag(a, b, maxLag, from, to) {
  let best = { lag: 0, r: -2 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const r = pearson(a, b, lag, from, to);
    if (r > best.r) best = { lag, r };
  }
  return best;
}

function rms(signal, frames) {
  let energy = 0;
  for (let i = 0; i < frames; i++) energy += signal[i] * signal[i];
  return Math.sqrt(energy / Math.max(1, frames));
}

function peakOf(buffer) {
  let peak = 0;
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    for (const v of buffer.getChannelData(c)) peak = Math.max(peak, Math.abs(v));
  }
  return peak;
}

async function renderBank(song) {
  const context = new OfflineAudioContext({
    numberOfChannels: 2,
    length: Math.round(seconds * SAMPLE_RATE),
    sampleRate: SAMPLE_RATE,
  });
  // The bank's defaults, with the renderer's layout (one stereo output per worklet),
  // which mixes to the same sound as per-instrument outputs.
  const bank = await createSongBank(context, { AudioWorkletNode, outputs: 'shared', voicesPerWorklet: 64 });
  try {
    return await bank.render(song, { seconds });
  } finally {
    bank.dispose();
  }
}

function compare(ours, theirs, frames) {
  const a = mono(theirs).subarray(0, frames);
  const b = mono(ours).subarray(0, frames);
  const window = Math.round(WINDOW_S * SAMPLE_RATE);
  const hop = Math.round(HOP_S * SAMPLE_RATE);
  const coarseA = envelope(a, window, window);
  const coarseB = envelope(b, window, window);
  const fineA = envelope(a, window, hop);
  const fineB = envelope(b, window, hop);
  const maxLag = Math.round(MAX_LAG_S / HOP_S);
  const lag = bestLag(fineA, fineB, maxLag, 0, fineA.length);
  const segments = [];
  if (segmentSeconds > 0) {
    const perSegment = Math.round(segmentSeconds / HOP_S);
    for (let from = 0; from < fineA.length; from += perSegment) {
      const to = Math.min(fineA.length, from + perSegment);
      const r = pearson(fineA, fineB, 0, from, to);
      const best = bestLag(fineA, fineB, maxLag, from, to);
      segments.push({ from: from * HOP_S, r, lagMs: best.lag * HOP_S * 1000, rAtLag: best.r });
    }
  }
  return {
    correlation: pearson(coarseA, coarseB),
    lagMs: lag.lag * HOP_S * 1000,
    rAtLag: lag.r,
    levelDb: 20 * Math.log10(rms(b, frames) / rms(a, frames)),
    segments,
  };
}

console.log(
  `fidelity against libopenmpt (chiptune3 ${versions.chiptune3}), first ${seconds} s at ${SAMPLE_RATE} Hz, ` +
    `node-web-audio-api; load average ${loadavg()[0].toFixed(2)}\n`,
);
const header = [
  'song',
  'ch',
  'mode',
  'correlation',
  'best lag',
  'r at lag',
  'level',
  'peak',
  'libopenmpt length',
  'songDuration',
  'length diff',
  'targets',
];
const table = [header];
const details = [];
let missed = 0;
for (const { name, bytes } of songs) {
  const song = loadMod(bytes);
  const length = songDuration(song, { sampleRate: SAMPLE_RATE });
  const ours = await renderBank(song);
  const theirs = await renderWithChiptune3(bytes, seconds, SAMPLE_RATE);
  // Past both songs' ends the renders are silence; compare only what plays.
  const frames = Math.min(
    ours.length,
    theirs.buffer.length,
    Math.ceil(Math.max(length, theirs.songSeconds) * SAMPLE_RATE),
  );
  const result = compare(ours, theirs.buffer, frames);
  const peak = peakOf(ours);
  const lengthDiff = (100 * (length - theirs.songSeconds)) / theirs.songSeconds;
  const misses = [];
  if (!(result.correlation >= TARGET.correlation)) misses.push('correlation');
  if (!(Math.abs(result.levelDb) <= TARGET.levelDb)) misses.push('level');
  if (!(peak <= 1)) misses.push('clips');
  if (!(Math.abs(lengthDiff) <= TARGET.lengthPercent)) misses.push('length');
  missed += misses.length > 0 ? 1 : 0;
  table.push([
    name,
    String(song.channels),
    songTempoMode(song),
    result.correlation.toFixed(3),
    `${result.lagMs >= 0 ? '+' : ''}${result.lagMs.toFixed(0)} ms`,
    result.rAtLag.toFixed(3),
    `${result.levelDb >= 0 ? '+' : ''}${result.levelDb.toFixed(2)} dB`,
    peak.toFixed(3),
    `${theirs.songSeconds.toFixed(2)} s`,
    `${length.toFixed(2)} s`,
    `${lengthDiff >= 0 ? '+' : ''}${lengthDiff.toFixed(3)}%`,
    misses.length === 0 ? 'ok' : `MISSED: ${misses.join(', ')}`,
  ]);
  if (result.segments.length > 0) details.push({ name, segments: result.segments });
  // Each song takes two real-time-audio renders: say how far along the run is.
  process.stderr.write(`${name}: r ${result.correlation.toFixed(3)}, ${result.levelDb.toFixed(2)} dB\n`);
}

const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
for (const [index, row] of table.entries()) {
  console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
console.log(
  `\ntargets: correlation >= ${TARGET.correlation}, level within ${TARGET.levelDb} dB with peak <= 1, ` +
    `length within ${TARGET.lengthPercent}%. ${missed === 0 ? 'All met.' : `${missed} song(s) miss a target.`}`,
);
for (const { name, segments } of details) {
  console.log(`\n${name}, per ${segmentSeconds} s: start, r, best lag, r at lag`);
  for (const s of segments) {
    console.log(
      `  ${s.from.toFixed(0).padStart(4)} s  r ${s.r.toFixed(3)}  lag ${s.lagMs.toFixed(0).padStart(5)} ms  ${s.rAtLag.toFixed(3)}`,
    );
  }
}
if (values.check && missed > 0) process.exitCode = 1;
