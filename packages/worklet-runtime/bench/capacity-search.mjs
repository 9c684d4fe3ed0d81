// The search behind the real-time capacity benchmarks: the largest load that plays with
// zero underruns in Chromium, found by doubling then bisection (a glitching probe gets a
// second chance), with the edge confirmed,
// repeated to show its spread and printed as ratios to the first (baseline) mode. Shared
// by this package's instrument workload and the song bank's song workload.
import { loadavg } from 'node:os';
import { loadHarness } from './harness.mjs';

/** The machine's load average, for the record beside every figure. */
export const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/**
 * Runs `page` (a script exporting `run(mode, n, seconds, ...extra)` that returns
 * `{ failure, events }`) on a fresh Chromium page per probe and finds, for each mode,
 * the largest n with no underrun. `start` is the first probe, `step` the resolution.
 */
export async function measureCapacity({ page, modes, runs, seconds, start, step, cap, extra = [] }) {
  const { launchChromium, openScenarioPage } = await loadHarness();
  const browser = await launchChromium();

  async function probe(mode, n) {
    const p = await openScenarioPage(browser, page);
    try {
      const result = await p.page.evaluate(
        ([m, k, s, x]) => window.__scenario.run(m, k, s, ...x),
        [mode, n, seconds, extra],
      );
      // A refused WASM instance is reported by the page as a creation failure.
      const errors = p.errors.filter((e) => !e.includes('Out of memory'));
      if (errors.length > 0 && result.failure === null) throw new Error(`page errors: ${errors.join('; ')}`);
      return result;
    } finally {
      await p.close();
    }
  }

  async function capacity(mode) {
    let good = 0;
    let bad = null;
    let failure = null;
    const trail = [];
    const once = async (n) => {
      const r = await probe(mode, n);
      trail.push(`${n}:${r.failure !== null ? 'refused' : r.events}`);
      if (r.failure !== null && failure === null) failure = r.failure;
      return r;
    };
    // A probe that glitched is played once more before it counts: on a shared machine a
    // single underrun can be another process, and one such probe would end the doubling
    // at half the real edge. A refusal is not retried.
    const holds = async (n) => {
      const r = await once(n);
      if (r.failure !== null) return false;
      if (r.events === 0) return true;
      const again = await once(n);
      return again.failure === null && again.events === 0;
    };
    for (let n = start; n <= cap; n *= 2) {
      if (await holds(n)) good = n;
      else {
        bad = n;
        break;
      }
    }
    if (bad === null) return { capacity: good, failure, trail, capped: true };
    while (bad - good > step) {
      const mid = Math.round((good + bad) / 2 / step) * step;
      if (mid <= good || mid >= bad) break;
      if (await holds(mid)) good = mid;
      else bad = mid;
    }
    // One clean probe can be luck on a noisy machine: play the edge again, step down until it holds.
    while (good > 0 && !(await holds(good))) good = Math.max(0, good - step);
    return { capacity: good, failure, trail, capped: false };
  }

  const results = new Map(modes.map((m) => [m, []]));
  try {
    for (let r = 0; r < runs; r++) {
      // Interleaved, so slow drift of the machine hits every mode alike.
      for (const mode of modes) {
        const result = await capacity(mode);
        results.get(mode).push(result);
        console.log(
          `run ${r + 1} ${mode}: ${result.capacity}${result.capped ? '+' : ''} (probes n:underruns ${result.trail.join(' ')})`,
        );
      }
    }
  } finally {
    await browser.close();
  }
  return results;
}

/** Prints the capacity table: median, spread, ratio to the first mode, refusals. */
export function printCapacityTable(results, unit) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [baseline] = results.keys();
  const base = median(results.get(baseline).map((r) => r.capacity));
  console.log('');
  console.log(
    `| mode | glitch-free ${unit} (median) | spread over runs | ratio to ${baseline} | creation refused |`,
  );
  console.log('|---|---|---|---|---|');
  for (const [mode, rs] of results) {
    const caps = rs.map((r) => r.capacity);
    const m = median(caps);
    const refused = [...new Set(rs.map((r) => r.failure).filter((f) => f !== null))];
    const ratio = base > 0 ? `${(m / base).toFixed(2)}x` : 'n/a';
    console.log(
      `| ${mode} | ${m}${rs.some((r) => r.capped) ? '+' : ''} | ${Math.min(...caps)}-${Math.max(...caps)} | ${ratio} | ${refused.length ? refused.join('; ') : 'none'} |`,
    );
  }
}
