// Real-browser harness for the `*.browser.test.ts` suites: bundles a page script with
// esbuild, serves it on localhost and drives Debian's Chromium through playwright-core.
// The browser is never optional: if it cannot start, the suite fails.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';

/** The flags this machine needs: no sandbox as root, no GPU, no network chatter. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/** Path of the Chromium binary, overridable with CHROMIUM_PATH. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS, headless: true });
}

/** A page served from localhost with one bundled module script. */
export interface BrowserPage {
  readonly page: Page;
  readonly url: string;
  /** Console errors and page errors seen so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** How the scenario page is served. */
export interface ScenarioPageOptions {
  /**
   * Serve with COOP `same-origin` and COEP `require-corp`, so the page is cross-origin
   * isolated and may use SharedArrayBuffer.
   */
  readonly crossOriginIsolated?: boolean;
}

/**
 * Bundles `entry` (TypeScript, may import workspace packages) into one ESM script,
 * serves it in a blank page on localhost and opens it in `browser`. The script's
 * exports are reachable in the page as `window.__scenario`.
 */
export async function openScenarioPage(
  browser: Browser,
  entry: string,
  options: ScenarioPageOptions = {},
): Promise<BrowserPage> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    globalName: '__scenario',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const html =
    '<!doctype html><html><head><meta charset="utf-8"></head><body><script src="/scenario.js"></script></body></html>';
  const isolation: Record<string, string> = options.crossOriginIsolated
    ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    : {};
  const server: Server = createServer((req, res) => {
    if (req.url === '/scenario.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', ...isolation }).end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html', ...isolation }).end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return {
    page,
    url,
    errors,
    async close() {
      await page.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
