// Fault recovery in a real browser, mid-render: a processor that throws or hangs in
// Chromium is replaced, its instrument plays again, and the other worklet never stops.
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPage, launchChromium, openScenarioPage } from '../../../test-support/browser.js';

let browser: Browser;
let page: BrowserPage;

beforeAll(async () => {
  browser = await launchChromium();
  page = await openScenarioPage(browser, resolve(import.meta.dirname, 'scenarios/faults.ts'));
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
});

interface Outcome {
  replacements: number;
  nodesCreated: number;
  sameRanges: boolean;
  otherNodeKept: boolean;
  a: number[];
  b: number[];
  errors: string[];
}

function failMidRender(mode: 'throw' | 'hang'): Promise<Outcome> {
  return page.page.evaluate(
    (m) =>
      (
        window as unknown as { __scenario: { failMidRender(mode: string): Promise<Outcome> } }
      ).__scenario.failMidRender(m),
    mode,
  );
}

describe('fault recovery in Chromium', () => {
  it.each([
    ['stops answering', 'hang'],
    ['throws in process()', 'throw'],
  ] as const)(
    'a processor that %s mid-render is replaced; its instrument plays again, the other worklet never stops',
    async (_, mode) => {
      const result = await failMidRender(mode);
      expect(result).toMatchObject({
        replacements: 1,
        nodesCreated: 3,
        sameRanges: true,
        otherNodeKept: true,
        errors: [],
      });
      const [aBefore, aFailed, aAfter] = result.a as [number, number, number];
      expect(aBefore).toBeGreaterThan(0.1);
      expect(aFailed).toBeLessThan(1e-6);
      expect(aAfter).toBeGreaterThan(0.1);
      for (const level of result.b) expect(level).toBeGreaterThan(0.1);
    },
  );

  it('logs no console errors', () => {
    expect(page.errors).toEqual([]);
  });
});
