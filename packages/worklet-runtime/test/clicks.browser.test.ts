// The click table measured in Chromium, on the built package (the Node suite measures
// the same table in node-web-audio-api): the same bound, the same control.
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPage, launchChromium, openScenarioPage } from '../../../test-support/browser.js';
import type { ClickRow } from './clicks.js';
import { checkClickTable } from './clicks-check.js';

let browser: Browser;
let page: BrowserPage;

beforeAll(async () => {
  browser = await launchChromium();
  page = await openScenarioPage(browser, resolve(import.meta.dirname, 'scenarios/clicks.ts'));
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
});

describe('click table in Chromium', () => {
  it('every event stays within 3x the signal’s own step with declicking on, and clicks without it', async () => {
    const rows = await page.page.evaluate(() =>
      (window as unknown as { __scenario: { clicks(): Promise<ClickRow[]> } }).__scenario.clicks(),
    );
    checkClickTable('Chromium', rows);
    expect(page.errors).toEqual([]);
  });
});
