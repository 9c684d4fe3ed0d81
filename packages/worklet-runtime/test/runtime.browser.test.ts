// The runtime in a real browser: the scenarios of test/scenarios run in Chromium against
// the built package, as an application would load it.
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPage, launchChromium, openScenarioPage } from '../../../test-support/browser.js';
import { TAIL_FRAMES } from './signal.js';

let browser: Browser;
let pool: BrowserPage;
let dedicated: BrowserPage;

beforeAll(async () => {
  browser = await launchChromium();
  pool = await openScenarioPage(browser, resolve(import.meta.dirname, 'scenarios/pool.ts'));
  dedicated = await openScenarioPage(browser, resolve(import.meta.dirname, 'scenarios/dedicated.ts'));
});

afterAll(async () => {
  await pool?.close();
  await dedicated?.close();
  await browser?.close();
});

/** Calls `__scenario[name](...args)` in the page. */
function run<T>(page: BrowserPage, name: string, ...args: unknown[]): Promise<T> {
  return page.page.evaluate(
    ([fn, params]) =>
      (window as unknown as { __scenario: Record<string, (...a: unknown[]) => Promise<unknown>> }).__scenario[
        fn as string
      ]!(...(params as unknown[])),
    [name, args] as const,
  ) as Promise<T>;
}

describe('in Chromium', () => {
  it('isolation: four pooled samplers render as each alone in its own worklet, within 1e-6', async () => {
    const r = await run<{ worst: number; energy: number; nodes: number }>(pool, 'isolation');
    expect(r.nodes).toBe(1);
    expect(r.energy).toBeGreaterThan(1000);
    expect(r.worst).toBeLessThanOrEqual(1e-6);
  });

  it.each([
    [7, 2],
    [31, 8],
  ])(
    '%i instruments x 4 voices with fixed blocks create exactly %i AudioWorkletNodes',
    async (count, nodes) => {
      expect(await run(pool, 'nodeCount', count)).toEqual({ nodesCreated: nodes, workletCount: nodes });
    },
  );

  // A one-shot plays exactly to its end; its last frame then fades out over the 48-frame tail.
  it('a pooled note at frame F starts at frame F and a one-shot stops at its end', async () => {
    const r = await run<{ fade: number }>(pool, 'noteAtFrame', 333);
    expect(r).toMatchObject({
      first: 333,
      end: 1833 + TAIL_FRAMES,
      exact: true,
      length: 1500,
      transport: 'port',
    });
    expect(r.fade).toBeLessThan(1e-6);
  });

  it('a dedicated instrument plays a note from its exact frame', async () => {
    const r = await run<{ fade: number }>(dedicated, 'noteAtFrame', 3001);
    expect(r).toMatchObject({ first: 3001, end: 5001 + 48, sample10: 0 });
    expect(r.fade).toBeLessThan(1e-6);
  });

  it('mute, solo and meters through the public API, with the default shared outputs, on a running context', async () => {
    const r = await run<{ outputs: number; steps: [string, boolean, number[]][] }>(pool, 'mixer');
    expect(r.outputs).toBe(1);
    expect(r.steps).toHaveLength(8);
    for (const [what, reached, last] of r.steps)
      expect(reached, `${what} (last ${last.join(', ')})`).toBe(true);
  });

  it('a looped sample keeps sounding for 10 s', async () => {
    const peaks = await run<number[]>(pool, 'loopFor10s');
    expect(peaks).toHaveLength(10);
    for (const peak of peaks) expect(peak).toBeGreaterThan(0.5);
  });

  it('a bad message gets an error reply and the other instruments keep sounding', async () => {
    const r = await run<{ errors: string[]; left: number; right: number }>(pool, 'badMessage');
    expect(r.errors).toEqual([
      `processor refused (VOICE_OUT_OF_RANGE): "note-on" #77: voice 0 is outside slot 1's voices 4..7`,
      'processor refused (INVALID_FIELD): "set" #78: volume must be a finite number, got NaN',
      'processor refused (UNKNOWN_TYPE): message #79: unknown type "format-disk"',
    ]);
    expect(r.left).toBeGreaterThan(0.5);
    expect(r.right).toBeGreaterThan(0.5);
  });

  it('logs no console errors', () => {
    expect(pool.errors).toEqual([]);
    expect(dedicated.errors).toEqual([]);
  });
});
