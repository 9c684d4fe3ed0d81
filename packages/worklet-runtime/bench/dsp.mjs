// The voice engine alone, outside any audio graph: nanoseconds per voice-frame for looped
// sampler voices (8-bit, 16-bit and float samples, linear and no interpolation) and synth
// voices, so that DSP changes can be measured without the graph's cost. Every case runs
// with declicking on (the default) and off; the busy cases change every voice's volume
// each tracker tick (20 ms) and retrigger it every sixth tick, which is where ramps and
// fade-out tails cost anything (bench/dsp-cases.mjs).
//
// Two builds side by side in one run, interleaved: `now` (build/engine.wasm, from
// `pnpm build`) and `before`, the engine as of a git commit (WORKLETPOOL_BENCH_DSP_BASELINE,
// default the last one before the SIMD sampler) built with that commit's own asc options
// into bench/.baseline/, or a prebuilt file named by WORKLETPOOL_BENCH_DSP_BASELINE_WASM.
// Without a baseline only `now` is measured. Figures are reported as measured on Node's
// main thread and inside an AudioWorklet of headless Chromium, the latter three times:
// with V8's default tiering, with TurboFan only (--no-liftoff) and with Liftoff only
// (--liftoff-only), which answers whether the worklet's code still runs in Liftoff.
//
// Chromium's worklet scope has no performance.now(), so its runs are timed with Date.now()
// and render more audio each (WORKLETPOOL_BENCH_CHROMIUM_SECONDS, default 60) to keep the
// millisecond clock's step small against them. On a busy machine many short runs, of which
// the fastest is kept, say more than a few long ones.
//
//   node bench/dsp.mjs [voices=28] [seconds=20] [runs=3]
//   WORKLETPOOL_BENCH_ENGINES=node,chromium  WORKLETPOOL_BENCH_DSP_TIERS=default,no-liftoff,liftoff-only
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { makeTierProbe, runDsp } from './dsp-cases.mjs';
import { loadHarness } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const voices = Number(process.argv[2] ?? 28);
const seconds = Number(process.argv[3] ?? 20);
const runs = Number(process.argv[4] ?? 3);
const chromiumSeconds = Number(process.env.WORKLETPOOL_BENCH_CHROMIUM_SECONDS ?? 60);
const engines = (process.env.WORKLETPOOL_BENCH_ENGINES ?? 'node,chromium').split(',');
const tiers = (process.env.WORKLETPOOL_BENCH_DSP_TIERS ?? 'default,no-liftoff,liftoff-only').split(',');
const baselineCommit = process.env.WORKLETPOOL_BENCH_DSP_BASELINE ?? 'f3a2d70';
const TIER_FLAGS = { default: [], 'no-liftoff': ['--no-liftoff'], 'liftoff-only': ['--liftoff-only'] };
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The baseline engine's bytes, built once per commit with that commit's asc command; null if unavailable. */
function baselineBytes() {
  const file = process.env.WORKLETPOOL_BENCH_DSP_BASELINE_WASM;
  if (file) return readFileSync(file);
  const dir = join(here, '.baseline', `dsp-${baselineCommit}`);
  const wasm = join(dir, 'build/engine.wasm');
  if (existsSync(wasm)) return readFileSync(wasm);
  try {
    const repo = execSync('git rev-parse --show-toplevel', { cwd: here }).toString().trim();
    const manifest = JSON.parse(
      execSync(`git show ${baselineCommit}:packages/worklet-runtime/package.json`, { cwd: repo }).toString(),
    );
    const asc = manifest.scripts.build.split('&&')[0].trim();
    mkdirSync(join(dir, 'assembly'), { recursive: true });
    execSync(
      `git show ${baselineCommit}:packages/worklet-runtime/assembly/index.ts > "${join(dir, 'assembly/index.ts')}"`,
      {
        cwd: repo,
      },
    );
    const path = `${join(packageDir, 'node_modules/.bin')}:${process.env.PATH}`;
    execSync(asc, { cwd: dir, stdio: 'ignore', env: { ...process.env, PATH: path } });
    return readFileSync(wasm);
  } catch (error) {
    console.log(`no baseline build (${String(error.message).split('\n')[0]}): measuring this build alone`);
    return null;
  }
}

const current = readFileSync(resolve(packageDir, 'build/engine.wasm'));
const before = baselineBytes();
const builds = [...(before ? [{ label: 'before', bytes: before }] : []), { label: 'now', bytes: current }];

/** One table row per case: ns per voice-frame of each build, declicking on and off, and now / before. */
function table(result) {
  return result.rows.map(({ name, best }) => {
    const row = { case: name };
    for (const side of ['on', 'off']) {
      if (best.before) row[`declick ${side}: before`] = best.before[side].toFixed(2);
      row[`declick ${side}: now`] = best.now[side].toFixed(2);
      if (best.before) row[`${side}: now / before`] = (best.now[side] / best.before[side]).toFixed(3);
    }
    return row;
  });
}

function tierLine(result) {
  return Object.entries(result.tiers)
    .map(
      ([label, t]) =>
        `${label}: ${t.before} after ${t.warmupMs.toFixed(0)} ms of warm-up, ${t.after} at the end`,
    )
    .join('; ');
}

console.log(
  `voice engine alone: ${voices} voices, ${seconds} s of audio per measurement (Node) at 48 kHz, best of ${runs}, builds ${builds
    .map((b) =>
      b.label === 'before'
        ? `before (${process.env.WORKLETPOOL_BENCH_DSP_BASELINE_WASM ?? baselineCommit})`
        : 'now (build/engine.wasm)',
    )
    .join(' and ')} interleaved; ns per voice-frame`,
);

if (engines.includes('node')) {
  // Lets the tier probe read V8's state of `render`; it changes nothing else.
  setFlagsFromString('--allow-natives-syntax');
  const startLoad = load();
  const result = runDsp({
    builds: builds.map((b) => ({ label: b.label, module: new WebAssembly.Module(b.bytes) })),
    voices,
    seconds,
    runs,
    now: () => performance.now(),
    tierOf: makeTierProbe(),
  });
  console.log(
    `\nNode ${process.version}, main thread; load average ${startLoad} at the start, ${load()} at the end`,
  );
  console.log(`render's tier, first measurement of each build: ${tierLine(result)}`);
  console.table(table(result));
}

if (engines.includes('chromium')) {
  const { CHROMIUM_FLAGS, chromiumPath, openScenarioPage } = await loadHarness();
  const worklet = await build({
    entryPoints: [join(here, 'dsp-worklet.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const workletSource = worklet.outputFiles[0].text;
  for (const tier of tiers) {
    const jsFlags = ['--allow-natives-syntax', ...TIER_FLAGS[tier]].join(' ');
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: [...CHROMIUM_FLAGS, `--js-flags=${jsFlags}`],
      headless: true,
    });
    try {
      const page = await openScenarioPage(browser, join(here, 'dsp-page.mjs'));
      const startLoad = load();
      const result = await page.page.evaluate(
        ([source, b, options]) => window.__scenario.run(source, b, options),
        [
          workletSource,
          builds.map((b) => ({ label: b.label, bytes: [...b.bytes] })),
          { voices, seconds: chromiumSeconds, runs },
        ],
      );
      await page.close();
      if (!result.ok) throw new Error(`the benchmark's worklet failed: ${result.message}`);
      console.log(
        `\nChromium ${browser.version()}, AudioWorklet, --js-flags=${jsFlags}, ${chromiumSeconds} s of audio per measurement (timed with ${result.clock}); load average ${startLoad} at the start, ${load()} at the end`,
      );
      console.log(`render's tier, first measurement of each build: ${tierLine(result)}`);
      console.table(table(result));
    } finally {
      await browser.close();
    }
  }
}
