// Render benchmark: x real time of 7 and 31 sampler instruments (4 voices each, same
// notes) pooled (per-instrument outputs, and one shared output per worklet) vs
// dedicated, beside the same numbers of empty worklets, in node-web-audio-api and in
// headless Chromium, printed as one table from one run.
// WORKLETPOOL_BENCH_SECONDS (audio seconds per node-web-audio-api render, default 10),
// WORKLETPOOL_BENCH_CHROMIUM_SECONDS (per Chromium render, default 20) and
// WORKLETPOOL_BENCH_RUNS (repetitions, the fastest taken, default 3) tune it;
// WORKLETPOOL_BENCH_ENGINES=node or =chromium runs one engine only.
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { loadHarness } from './harness.mjs';
import { renderScenario } from './scenario.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// Chromium renders far faster than node-web-audio-api's worklets, so it renders longer
// audio to keep timer noise small.
const seconds = Number(process.env.WORKLETPOOL_BENCH_SECONDS ?? 10);
const chromiumSeconds = Number(process.env.WORKLETPOOL_BENCH_CHROMIUM_SECONDS ?? 20);
const runs = Number(process.env.WORKLETPOOL_BENCH_RUNS ?? 3);
const engines = (process.env.WORKLETPOOL_BENCH_ENGINES ?? 'node,chromium').split(',');
const SIZES = [7, 31];
const MODES = ['pooled', 'pooled-shared', 'dedicated', 'empty-pooled', 'empty-dedicated'];

// The fastest of the runs: on a shared machine interference only ever adds time.
const best = (xs) => Math.min(...xs);

/** Runs every (size, mode) `runs` times, interleaved so drift hits all modes alike. */
async function measure(runOne, audioSeconds) {
  const samples = new Map();
  let memory = [];
  for (let r = 0; r < runs; r++) {
    for (const n of SIZES) {
      for (const mode of MODES) {
        const result = await runOne(mode, n);
        const key = `${n}:${mode}`;
        samples.set(key, [...(samples.get(key) ?? []), result]);
        if (mode === 'pooled' && n === 31) memory = result.memory;
      }
    }
  }
  const rows = SIZES.map((n) => {
    const ms = (mode) => best(samples.get(`${n}:${mode}`).map((s) => s.ms));
    const nodes = (mode) => samples.get(`${n}:${mode}`)[0].nodes;
    return {
      n,
      pooledNodes: nodes('pooled'),
      pooled: ms('pooled'),
      pooledShared: ms('pooled-shared'),
      dedicated: ms('dedicated'),
      emptyPooled: ms('empty-pooled'),
      emptyDedicated: ms('empty-dedicated'),
    };
  });
  return { rows, memory, seconds: audioSeconds };
}

const xrtOf = (audioSeconds) => (ms) => (audioSeconds * 1000) / ms;
const fmt = (x, d = 1) => x.toFixed(d);
const sig = (x) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3));

function table(results) {
  const header = [
    'engine',
    'instr',
    'pooled outputs',
    'nodes pooled/ded.',
    'pooled xRT',
    'dedicated xRT',
    'pooled/ded.',
    'empty xRT (pooled n / ded. n)',
    'empty ratio',
    'pooled ratio / empty ratio',
    'target',
  ];
  const lines = [header];
  for (const { engine, rows, seconds: audioSeconds } of results) {
    const xrt = xrtOf(audioSeconds);
    for (const r of rows) {
      for (const [outputs, pooled] of [
        ['per instrument (opt-in)', r.pooled],
        ['shared (the default)', r.pooledShared],
      ]) {
        const ratio = r.dedicated / pooled;
        const emptyRatio = r.emptyDedicated / r.emptyPooled;
        const efficiency = ratio / emptyRatio;
        const speedTarget = engine === 'node-web-audio-api' ? (r.n === 7 ? 3 : 3.5) : null;
        const met = efficiency >= 0.85 && (speedTarget === null || ratio >= speedTarget);
        lines.push([
          engine,
          String(r.n),
          outputs,
          `${r.pooledNodes}/${r.n}`,
          sig(xrt(pooled)),
          sig(xrt(r.dedicated)),
          `${fmt(ratio, 2)}x`,
          `${sig(xrt(r.emptyPooled))} / ${sig(xrt(r.emptyDedicated))}`,
          `${fmt(emptyRatio, 2)}x`,
          `${fmt(efficiency * 100, 0)}%`,
          `${speedTarget === null ? '' : `>=${speedTarget}x, `}>=85%: ${met ? 'met' : 'NOT met'}`,
        ]);
      }
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const row = (l) => `| ${l.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(row(lines[0]));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines.slice(1)) console.log(row(l));
}

const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
// Offline worklet rendering is very sensitive to other load on the machine: say how busy it was.
console.log(
  `render benchmark: ${seconds} s (node-web-audio-api) / ${chromiumSeconds} s (Chromium) of audio per render, best of ${runs} runs, 48 kHz stereo; load average ${load()}\n`,
);
const results = [];
if (engines.includes('node')) {
  const node = await measure(
    (mode, n) => renderScenario({ OfflineAudioContext, AudioWorkletNode }, mode, n, seconds),
    seconds,
  );
  results.push({ engine: 'node-web-audio-api', ...node });
}

const { launchChromium, openScenarioPage } = await loadHarness();
const browser = engines.includes('chromium') ? await launchChromium() : null;
try {
  // A fresh page (and renderer process) per render: Chromium caps the WASM memory one
  // renderer may reserve, and finished offline contexts release theirs only when collected.
  const inChromium = await measure(async (mode, n) => {
    if (!browser) return { ms: 1, nodes: 0, memory: [] };
    const page = await openScenarioPage(browser, resolve(here, 'page.mjs'));
    try {
      const result = await page.page.evaluate(
        ([m, k, s]) => window.__scenario.run(m, k, s),
        [mode, n, chromiumSeconds],
      );
      if (page.errors.length > 0) throw new Error(`page errors: ${page.errors.join('; ')}`);
      return result;
    } finally {
      await page.close();
    }
  }, chromiumSeconds);
  if (browser) results.push({ engine: 'chromium', ...inChromium });
} finally {
  await browser?.close();
}

table(results);
console.log(`\nload average at the end: ${load()}`);
// The engines of a context share one WebAssembly memory, so every worklet reports the
// same size: the whole memory. What each engine costs beyond its samples is that size,
// less all the samples, shared among the engines.
console.log('\nWASM memory (31 pooled instruments, 8 KiB of samples each, one memory per context):');
for (const { engine, memory } of results) {
  const total = Math.max(...memory.map((m) => m.wasmBytes));
  const samples = memory.reduce((n, m) => n + m.sampleBytes, 0);
  const perEngine = (total - samples) / memory.length;
  console.log(
    `  ${engine}: ${(total / 1024).toFixed(0)} KiB for ${memory.length} engines and ${(samples / 1024).toFixed(0)} KiB of samples; ${(perEngine / 1024).toFixed(1)} KiB per engine beyond its samples (target <= 256 KiB: ${perEngine <= 256 * 1024 ? 'met' : 'NOT met'})`,
  );
}
