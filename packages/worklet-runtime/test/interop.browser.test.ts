// standardized-audio-context (the Web Audio wrapper Tone.js uses) in a real browser: its
// contexts and AudioWorkletNode drive a pooled instrument exactly as the browser's own do.
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPage, launchChromium, openScenarioPage } from '../../../test-support/browser.js';

let browser: Browser;
let page: BrowserPage;

beforeAll(async () => {
  browser = await launchChromium();
  page = await openScenarioPage(browser, resolve(import.meta.dirname, 'scenarios/standardized.ts'));
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
});

describe('in Chromium, through standardized-audio-context', () => {
  it('two pooled instruments on one worklet render as through the native API', async () => {
    const result = await page.page.evaluate(() =>
      (
        window as unknown as { __scenario: { pooledThroughStandardized(): Promise<Record<string, number>> } }
      ).__scenario.pooledThroughStandardized(),
    );
    expect(page.errors).toEqual([]);
    expect(result).toMatchObject({ first: 1000, nodes: 1 });
    expect(result.energy).toBeGreaterThan(100);
    expect(result.worst).toBeLessThanOrEqual(1e-6);
  });
});
