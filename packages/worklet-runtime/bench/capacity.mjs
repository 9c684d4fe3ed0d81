// Real-time capacity benchmark, in headless Chromium: the largest number of instruments
// that play with zero underruns (Chromium's own `playbackStats.underrunEvents`) on a
// real-time AudioContext, for dedicated nodes, a pool with its defaults and a pool with
// shared outputs, side by side in one run and reported as ratios to dedicated.
// The workload is bench/capacity-page.mjs (a tracker-like part). Each probe gets a fresh
// page, so one probe's WASM memory never counts against the next.
// WORKLETPOOL_CAPACITY_RUNS (default 3) repeats the whole search to show its spread;
// WORKLETPOOL_CAPACITY_SECONDS (default 3) is how long each probe listens;
// WORKLETPOOL_CAPACITY_MODES picks modes (default dedicated,pooled,pooled-shared);
// WORKLETPOOL_CAPACITY_MAX (default 1024) caps the search.
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadHarness } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.WORKLETPOOL_CAPACITY_RUNS ?? 3);
const seconds = Number(process.env.WORKLETPOOL_CAPACITY_SECONDS ?? 3);
const modes = (process.env.WORKLETPOOL_CAPACITY_MODES ?? 'dedicated,pooled,pooled-shared').split(',');
const cap = Number(process.env.WORKLETPOOL_CAPACITY_MAX ?? 1024);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

const { launchChromium, openScenarioPage } = await loadHarness();
const browser = await launchChromium();

/** One probe: `n` instruments in `mode` on a fresh page. */
async function probe(mode, n) {
  const page = await openScenarioPage(browser, resolve(here, 'capacity-page.mjs'));
  try {
    const result = await page.page.evaluate(
      ([m, k, s]) => window.__scenario.run(m, k, s),
      [mode, n, seconds],
    );
    const errors = page.errors.filter((e) => !e.includes('Out of memory'));
    if (errors.length > 0 && result.failure === null) throw new Error(`page errors: ${errors.join('; ')}`);
    return result;
  } finally {
    await page.close();
  }
}

const ok = (r) => r.failure === null && r.events === 0;

/**
 * Doubling from 16 until a probe glitches or cannot be built, then bisection down to a
 * step of 4 instruments; the edge found is then played once more, and stepped down
 * until it holds, because on a noisy machine one clean probe can be luck.
 */
async function capacity(mode) {
  let good = 0;
  let bad = null;
  let failure = null;
  const trail = [];
  const test = async (n) => {
    const r = await probe(mode, n);
    trail.push(`${n}:${r.failure !== null ? 'refused' : r.events}`);
    if (r.failure !== null && failure === null) failure = r.failure;
    return ok(r);
  };
  for (let n = 16; n <= cap; n *= 2) {
    if (await test(n)) good = n;
    else {
      bad = n;
      break;
    }
  }
  if (bad === null) return { capacity: good, failure, trail, capped: true };
  while (bad - good > 4) {
    const mid = Math.round((good + bad) / 8) * 4;
    if (mid <= good || mid >= bad) break;
    if (await test(mid)) good = mid;
    else bad = mid;
  }
  // Confirm the edge.
  while (good > 0 && !(await test(good))) good = Math.max(0, good - 4);
  return { capacity: good, failure, trail, capped: false };
}

console.log(
  `real-time capacity in Chromium: instruments of 4 voices (16-voice worklets, fixed blocks), a one-shot note every other 120 ms row, ${seconds} s per probe; load average ${load()}\n`,
);
const results = new Map(modes.map((m) => [m, []]));
try {
  for (let r = 0; r < runs; r++) {
    // Interleaved, so slow drift of the machine hits every mode alike.
    for (const mode of modes) {
      const result = await capacity(mode);
      results.get(mode).push(result);
      console.log(
        `run ${r + 1} ${mode}: ${result.capacity}${result.capped ? '+' : ''} (probes ${result.trail.join(' ')})`,
      );
    }
  }
} finally {
  await browser.close();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dedicated = results.has('dedicated') ? median(results.get('dedicated').map((r) => r.capacity)) : null;
console.log('');
console.log(
  '| mode | glitch-free instruments (median) | spread over runs | ratio to dedicated | creation refused |',
);
console.log('|---|---|---|---|---|');
for (const [mode, rs] of results) {
  const caps = rs.map((r) => r.capacity);
  const m = median(caps);
  const refused = [...new Set(rs.map((r) => r.failure).filter((f) => f !== null))];
  console.log(
    `| ${mode} | ${m}${rs.some((r) => r.capped) ? '+' : ''} | ${Math.min(...caps)}-${Math.max(...caps)} | ${dedicated ? `${(m / dedicated).toFixed(2)}x` : ''} | ${refused.length ? refused.join('; ') : 'none'} |`,
  );
}
console.log(`\nload average at the end: ${load()}`);
