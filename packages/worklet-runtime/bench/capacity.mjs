// Real-time capacity benchmark, in headless Chromium: the largest number of instruments
// that play with zero underruns (Chromium's own `playbackStats.underrunEvents`) on a
// real-time AudioContext, for dedicated nodes, a pool with its defaults (one shared
// stereo output per node, the engine's mixer per instrument) and a pool with an output
// per instrument (opt-in), side by side in one run and reported as ratios to dedicated.
// The workload is bench/capacity-page.mjs (a tracker-like part). Each probe gets a fresh
// page, so one probe's WASM memory never counts against the next.
// WORKLETPOOL_CAPACITY_RUNS (default 3) repeats the whole search to show its spread;
// WORKLETPOOL_CAPACITY_SECONDS (default 3) is how long each probe listens;
// WORKLETPOOL_CAPACITY_MODES picks modes (default dedicated,pooled,pooled-per-instrument;
// pooled-shared names the default's outputs explicitly);
// WORKLETPOOL_CAPACITY_MAX (default 4096) caps the search;
// WORKLETPOOL_CAPACITY_CREATE (default 600) is how many instruments the creation check
// makes per mode in one page, without playing them (past 512: no WASM memory wall).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage, measureCapacity, printCapacityTable } from './capacity-search.mjs';
import { loadHarness } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.WORKLETPOOL_CAPACITY_SECONDS ?? 3);

console.log(
  `real-time capacity in Chromium: instruments of 4 voices (16-voice worklets, fixed blocks), a one-shot note every other 120 ms row, ${seconds} s per probe; load average ${loadAverage()}\n`,
);
const createCount = Number(process.env.WORKLETPOOL_CAPACITY_CREATE ?? 600);
{
  const { launchChromium, openScenarioPage } = await loadHarness();
  const browser = await launchChromium();
  console.log(`creation in one page, no playback: ${createCount} instruments per mode`);
  console.log('| mode | created | nodes | failure |');
  console.log('|---|---|---|---|');
  try {
    for (const mode of ['dedicated', 'pooled']) {
      const p = await openScenarioPage(browser, resolve(here, 'capacity-page.mjs'));
      try {
        const r = await p.page.evaluate(([m, n]) => window.__scenario.create(m, n), [mode, createCount]);
        console.log(`| ${mode} | ${r.created} | ${r.nodes} | ${r.failure ?? 'none'} |`);
      } finally {
        await p.close();
      }
    }
  } finally {
    await browser.close();
  }
  console.log('');
}
const results = await measureCapacity({
  page: resolve(here, 'capacity-page.mjs'),
  modes: (process.env.WORKLETPOOL_CAPACITY_MODES ?? 'dedicated,pooled,pooled-per-instrument').split(','),
  runs: Number(process.env.WORKLETPOOL_CAPACITY_RUNS ?? 3),
  seconds,
  start: 16,
  step: 4,
  cap: Number(process.env.WORKLETPOOL_CAPACITY_MAX ?? 4096),
});
printCapacityTable(results, 'instruments');
console.log(`\nload average at the end: ${loadAverage()}`);
