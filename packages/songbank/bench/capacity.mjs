// Real-time capacity with a real song, in headless Chromium: the largest number of song
// banks, each looping the same MOD file on one real-time AudioContext, that play with
// zero underruns, for dedicated nodes (`pooling: false`), the pool's defaults (shared
// outputs) and outputs per instrument (opt-in), side by side in one run and reported as ratios to dedicated. The search is
// the one worklet-runtime's instrument capacity benchmark uses.
//
//   node bench/capacity.mjs [song]      (default sundance.mod from the shared fixtures)
// WORKLETPOOL_CAPACITY_RUNS (default 3), WORKLETPOOL_CAPACITY_SECONDS (default 3),
// WORKLETPOOL_CAPACITY_MODES and WORKLETPOOL_CAPACITY_MAX (default 64 banks) tune it.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import {
  loadAverage,
  measureCapacity,
  printCapacityTable,
} from '../../worklet-runtime/bench/capacity-search.mjs';

const fixtures =
  process.env.WORKLETPOOL_FIXTURES ?? resolve(import.meta.dirname, '../../../../shared/fixtures/mod');
const file = process.argv[2] ?? resolve(fixtures, 'songs/sundance.mod');
const seconds = Number(process.env.WORKLETPOOL_CAPACITY_SECONDS ?? 3);

console.log(
  `real-time capacity in Chromium: song banks each looping ${basename(file)}, ${seconds} s per probe; load average ${loadAverage()}\n`,
);
const results = await measureCapacity({
  page: resolve(import.meta.dirname, 'capacity-page.mjs'),
  modes: (process.env.WORKLETPOOL_CAPACITY_MODES ?? 'dedicated,pooled,pooled-per-instrument').split(','),
  runs: Number(process.env.WORKLETPOOL_CAPACITY_RUNS ?? 3),
  seconds,
  start: 1,
  step: 1,
  cap: Number(process.env.WORKLETPOOL_CAPACITY_MAX ?? 64),
  extra: [readFileSync(file).toString('base64')],
});
printCapacityTable(results, 'song banks');
console.log(`\nload average at the end: ${loadAverage()}`);
