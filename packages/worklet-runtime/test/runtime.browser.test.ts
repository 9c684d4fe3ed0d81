import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPage, launchChromium, openScenarioPage } from '../../../test-support/browser.js';

let browser: Browser;
let page: BrowserPage;

beforeAll(async () => {
  browser = await launchChromium();
  page = await openScenarioPage(browser, resolve(import.meta.dirname, 'scenarios/dedicated.ts'));
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
});

describe('in Chromium', () => {
  it('a dedicated instrument plays a note from its exact frame', async () => {
    const result = await page.page.evaluate(() =>
      (
        window as unknown as { __scenario: { noteAtFrame(f: number): Promise<unknown> } }
      ).__scenario.noteAtFrame(3001),
    );
    expect(result).toEqual({ first: 3001, end: 5001, sample10: 0 });
    expect(page.errors).toEqual([]);
  });
});
