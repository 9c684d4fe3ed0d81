// What declicking costs a whole render: x real time of 7 and 31 pooled instruments under
// tracker-like traffic (bench/declick-scenario.mjs) with declicking on and off, side by
// side, interleaved, the fastest of the runs, in node-web-audio-api and headless Chromium.
// WORKLETPOOL_BENCH_SECONDS (default 5), WORKLETPOOL_BENCH_CHROMIUM_SECONDS (default 20),
// WORKLETPOOL_BENCH_RUNS (default 3) and WORKLETPOOL_BENCH_ENGINES=node|chromium tune it.
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { renderDeclick } from './declick-scenario.mjs';
import { loadHarness } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.WORKLETPOOL_BENCH_SECONDS ?? 5);
const chromiumSeconds = Number(process.env.WORKLETPOOL_BENCH_CHROMIUM_SECONDS ?? 20);
const runs = Number(process.env.WORKLETPOOL_BENCH_RUNS ?? 3);
const engines = (process.env.WORKLETPOOL_BENCH_ENGINES ?? 'node,chromium').split(',');
const SIZES = [7, 31];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function measure(engine, renderOne, audioSeconds) {
  const rows = [];
  for (const n of SIZES) {
    const on = [];
    const off = [];
    for (let r = 0; r < runs; r++) {
      on.push(await renderOne(true, n));
      off.push(await renderOne(false, n));
    }
    const xrtOn = (audioSeconds * 1000) / Math.min(...on);
    const xrtOff = (audioSeconds * 1000) / Math.min(...off);
    rows.push({
      engine,
      instruments: n,
      'x real time, declick on': xrtOn.toFixed(1),
      'declick off': xrtOff.toFixed(1),
      'time on / off': (xrtOff / xrtOn).toFixed(3),
    });
  }
  return rows;
}

// Replies from node-web-audio-api's audio thread do not keep Node's event loop alive on
// their own; without this the process can exit while a render is still awaited.
const keepAlive = setInterval(() => undefined, 1000);
console.log(
  `declick render benchmark: ${seconds} s (node-web-audio-api) / ${chromiumSeconds} s (Chromium) per render, best of ${runs}, 48 kHz; load average ${load()}`,
);
const rows = [];
if (engines.includes('node')) {
  rows.push(
    ...(await measure(
      'node-web-audio-api',
      (declick, n) => renderDeclick({ OfflineAudioContext, AudioWorkletNode }, declick, n, seconds),
      seconds,
    )),
  );
}
if (engines.includes('chromium')) {
  const { launchChromium, openScenarioPage } = await loadHarness();
  const browser = await launchChromium();
  try {
    rows.push(
      ...(await measure(
        'chromium',
        async (declick, n) => {
          const page = await openScenarioPage(browser, resolve(here, 'declick-page.mjs'));
          try {
            return await page.page.evaluate(
              ([d, k, s]) => window.__scenario.run(d, k, s),
              [declick, n, chromiumSeconds],
            );
          } finally {
            await page.close();
          }
        },
        chromiumSeconds,
      )),
    );
  } finally {
    await browser.close();
  }
}
console.table(rows);
console.log(`load average at the end: ${load()}`);
clearInterval(keepAlive);
