// Chromium refuses a new WebAssembly memory around the 128th in a page; the engines of a
// context share one, so 520 instruments start in one page, dedicated or pooled.
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPage, launchChromium, openScenarioPage } from '../../../test-support/browser.js';
import type { Creation } from './scenarios/memory.js';

let browser: Browser;
let page: BrowserPage;

beforeAll(async () => {
  browser = await launchChromium();
  page = await openScenarioPage(browser, resolve(import.meta.dirname, 'scenarios/memory.ts'));
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
});

function create(mode: 'dedicated' | 'pooled', count: number): Promise<Creation> {
  return page.page.evaluate(
    ([m, n]) =>
      (
        window as unknown as { __scenario: { create(mode: string, count: number): Promise<Creation> } }
      ).__scenario.create(m, n),
    [mode, count] as const,
  );
}

describe('engines sharing one WebAssembly memory per context, in Chromium', () => {
  it('520 dedicated instruments start in one real-time context', async () => {
    const result = await create('dedicated', 520);
    expect(result.failure).toBeNull();
    expect(result.nodes).toBe(520);
    // 521 engines in far less than a 64 KiB memory each.
    expect(result.memoryBytes).toBeLessThan(521 * 65536);
    expect(page.errors).toEqual([]);
  }, 600_000);

  it('520 pooled instruments start in one real-time context', async () => {
    const result = await create('pooled', 520);
    expect(result.failure).toBeNull();
    expect(result.nodes).toBe(130);
    expect(page.errors).toEqual([]);
  }, 600_000);
});
