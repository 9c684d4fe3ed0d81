// Both command transports in Chromium: the port (the default, any page) and the
// SharedArrayBuffer ring (a cross-origin isolated page, served with COOP and COEP).
// The same scheduled events render the same sound either way.
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserPage, launchChromium, openScenarioPage } from '../../../test-support/browser.js';
import { TAIL_FRAMES } from './signal.js';

let browser: Browser;
let plain: BrowserPage;
let isolated: BrowserPage;

beforeAll(async () => {
  browser = await launchChromium();
  const entry = resolve(import.meta.dirname, 'scenarios/pool.ts');
  plain = await openScenarioPage(browser, entry);
  isolated = await openScenarioPage(browser, entry, { crossOriginIsolated: true });
});

afterAll(async () => {
  await plain?.close();
  await isolated?.close();
  await browser?.close();
});

function run<T>(page: BrowserPage, name: string, ...args: unknown[]): Promise<T> {
  return page.page.evaluate(
    ([fn, params]) =>
      (window as unknown as { __scenario: Record<string, (...a: unknown[]) => Promise<unknown>> }).__scenario[
        fn as string
      ]!(...(params as unknown[])),
    [name, args] as const,
  ) as Promise<T>;
}

interface Many {
  left: number[];
  isolated: boolean;
  transport: string;
}

describe('command transports in Chromium', () => {
  it('the port: a note at frame F starts at F on a page that is not isolated', async () => {
    expect(await run(plain, 'noteAtFrame', 333, 'port')).toMatchObject({
      first: 333,
      end: 1833 + TAIL_FRAMES,
      exact: true,
      length: 1500,
      transport: 'port',
    });
  });

  it('shared memory: refused with NO_SHARED_MEMORY where the page is not isolated', async () => {
    const message = await plain.page.evaluate(() =>
      (
        window as unknown as { __scenario: { noteAtFrame(f: number, t: string): Promise<unknown> } }
      ).__scenario
        .noteAtFrame(333, 'shared-memory')
        .then(
          () => 'created',
          (e: { code?: string }) => e.code,
        ),
    );
    expect(message).toBe('NO_SHARED_MEMORY');
  });

  it('shared memory: a note at frame F starts at F on a cross-origin isolated page', async () => {
    expect(await run(isolated, 'noteAtFrame', 333, 'shared-memory')).toMatchObject({
      first: 333,
      end: 1833 + TAIL_FRAMES,
      exact: true,
      length: 1500,
      transport: 'shared-memory',
    });
  });

  it('3000 events render the same through the ring (with the port taking the overflow) as through the port', async () => {
    const byPort = await run<Many>(isolated, 'manyEvents', 'port');
    const byRing = await run<Many>(isolated, 'manyEvents', 'shared-memory');
    expect(byRing.isolated).toBe(true);
    expect(byRing.transport).toBe('shared-memory');
    expect(byPort.transport).toBe('port');
    expect(Math.max(...byPort.left.map(Math.abs))).toBeGreaterThan(0.1);
    let worst = 0;
    for (let i = 0; i < byPort.left.length; i++)
      worst = Math.max(worst, Math.abs((byPort.left[i] as number) - (byRing.left[i] as number)));
    expect(worst).toBe(0);
  });

  it('logs no console errors', () => {
    expect(plain.errors).toEqual([]);
    expect(isolated.errors).toEqual([]);
  });
});
