// The built playground in headless Chromium: it plays, shows the pool, follows the
// settings, refuses a malformed file in the page, and logs no console errors.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSongBytes } from '@workletpool/songbank';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../test-support/browser.js';
import { fixturesDir, haveFixtures } from '../../../test-support/fixtures.js';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const screenshots = join(appDir, 'test-results');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Serves `root` on a random localhost port: a plain origin, no cross-origin isolation headers. */
async function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res
        .writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

interface Probe {
  level: number;
  lit: number;
  workletCount: number;
  instruments: number;
  mode: string;
  nodesCreated: number;
}

let outDir = '';
let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;
const errors: string[] = [];

function probe(): Promise<Probe> {
  return page.evaluate(() => {
    const pg = window.__playground;
    if (pg === undefined) throw new Error('window.__playground is missing');
    const stats = pg.stats();
    return {
      level: pg.level(),
      lit: pg.litCells(),
      workletCount: stats?.workletCount ?? -1,
      instruments: stats?.instruments.length ?? -1,
      mode: stats?.mode ?? '',
      nodesCreated: stats?.nodesCreated ?? -1,
    };
  });
}

/** Waits until the page's action queue is empty and its status says so. */
async function settled(): Promise<void> {
  await page.evaluate(() => window.__playground?.idle());
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-testid="status"]')?.textContent;
    return status === 'ready' || status === 'playing';
  });
}

/** Polls the master output until its peak exceeds `threshold`; returns the highest peak seen. */
async function loudestWithin(ms: number, threshold = 0.01): Promise<number> {
  let loudest = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    loudest = Math.max(loudest, (await probe()).level);
    if (loudest > threshold) return loudest;
    await page.waitForTimeout(50);
  }
  return loudest;
}

const rows = () => page.locator('[data-testid="pool-map"] [data-testid="worklet-row"]');
const shot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'playground-dist-'));
  // Build from source into a scratch folder, so the suite always tests the code beside it.
  await build({ root: appDir, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const served = await serveStatic(outDir);
  server = served.server;
  mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 960 } });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(served.url);
  await settled();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (server === undefined ? done() : server.close(() => done())));
  if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
});

describe('playground in Chromium', () => {
  it('says how note events reach the audio thread: the port, on a page that is not cross-origin isolated', async () => {
    expect(await page.getByTestId('transport').textContent()).toBe(
      'Note events: port messages (page not cross-origin isolated)',
    );
  });

  it('starts with the default song laid out on 2 worklets with fixed blocks', async () => {
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(false);
    await expect.poll(() => rows().count()).toBe(2);
    const state = await probe();
    expect(state).toMatchObject({ mode: 'pooled', workletCount: 2, instruments: 8 });
    expect(await page.getByTestId('stats').textContent()).toContain('fixed-blocks');
    await expect.poll(() => page.locator('[data-testid="pool-map"] .cell[data-instrument]').count()).toBe(32);
    // Hovering a cell names its instrument, worklet and voice range.
    const titles = await page
      .locator('[data-testid="pool-map"] .cell')
      .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('title')));
    expect(titles[0]).toMatch(/^01 \S.*: worklet 0, voices 0–3 \(its voice 0\)$/);
    expect(titles[31]).toMatch(/^08 \S.*: worklet 1, voices 12–15 \(its voice 3\)$/);
    await shot('01-default-song-fixed-blocks');
  });

  it('plays the default song: the master output is not silent, cells light, the position moves', async () => {
    await page.getByTestId('play').click();
    await settled();
    expect(await loudestWithin(5000)).toBeGreaterThan(0.01);
    await expect.poll(async () => (await probe()).lit, { timeout: 5000 }).toBeGreaterThan(0);
    const first = await page.getByTestId('position').textContent();
    expect(first).toMatch(/order \d+\/\d+ · pattern \d+ · row \d+/);
    await expect.poll(() => page.getByTestId('position').textContent(), { timeout: 5000 }).not.toBe(first);
    await shot('02-playing-fixed-blocks');
  });

  it('mute silences an instrument, solo silences the others', async () => {
    const list = page.locator('.instrument-list li[data-instrument]');
    expect(await list.count()).toBe(8);
    // The meters read each instrument through the engine's mixer (one shared output per worklet).
    const levels = (): Promise<Record<string, number>> =>
      page.evaluate(() => window.__playground?.levels() ?? Promise.resolve({}));
    const sounding = async (except: string[] = []) =>
      Object.entries(await levels())
        .filter(([id, level]) => level > 0 && !except.includes(id))
        .map(([id]) => id);
    await expect.poll(async () => (await sounding()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('solo-01').click();
    expect(await page.getByTestId('solo-01').getAttribute('aria-pressed')).toBe('true');
    const silenced = page.locator('.instrument-list .meter.silenced');
    const gains = () => page.evaluate(() => window.__playground?.gains() ?? {});
    const audible = async () =>
      Object.entries(await gains())
        .filter(([, gain]) => gain > 0.5)
        .map(([id]) => id)
        .sort();
    expect(await silenced.count()).toBe(7);
    await expect.poll(audible).toEqual(['01']);
    await expect.poll(() => sounding(['01']), { timeout: 10_000 }).toEqual([]);
    await page.getByTestId('solo-01').click();
    await page.getByTestId('mute-02').click();
    expect(await silenced.count()).toBe(1);
    await expect.poll(async () => (await gains())['02']).toBeLessThan(0.01);
    await expect.poll(async () => (await levels())['02'], { timeout: 10_000 }).toBe(0);
    await expect.poll(audible).toEqual(['01', '03', '04', '05', '06', '07', '08']);
    await page.getByTestId('mute-02').click();
    expect(await silenced.count()).toBe(0);
    await expect.poll(audible).toHaveLength(8);
  });

  it('the dedicated strategy gives one row per instrument and keeps playing', async () => {
    const before = (await probe()).nodesCreated;
    await page.getByTestId('strategy').selectOption('dedicated');
    await settled();
    await expect.poll(() => rows().count()).toBe(8);
    const state = await probe();
    expect(state).toMatchObject({ mode: 'pooled', workletCount: 8, instruments: 8 });
    expect(state.nodesCreated).not.toBe(before);
    expect(await page.getByTestId('comparison').textContent()).toContain('as many as no pooling');
    expect(await loudestWithin(5000)).toBeGreaterThan(0.01);
    await shot('03-playing-dedicated-strategy');
  });

  it('pooling off puts every instrument on its own worklet; pooling on again packs them back', async () => {
    await page.getByTestId('pooling').uncheck();
    await settled();
    await expect.poll(() => rows().count()).toBe(8);
    expect(await probe()).toMatchObject({ mode: 'dedicated', workletCount: 8, nodesCreated: 8 });
    expect(await page.getByTestId('strategy').isDisabled()).toBe(true);
    await page.getByTestId('pooling').check();
    await page.getByTestId('strategy').selectOption('fixed-blocks');
    await settled();
    await expect.poll(() => rows().count()).toBe(2);
    expect(await probe()).toMatchObject({ mode: 'pooled', workletCount: 2 });
    const figure = page.getByTestId('comparison');
    expect(await figure.locator('[data-figure="pooled-worklets"]').textContent()).toBe('2');
    expect(await figure.locator('[data-figure="dedicated-worklets"]').textContent()).toBe('8');
    expect(await figure.textContent()).toContain('on 2 worklets instead of 8: 4.0× fewer AudioWorkletNodes');
  });

  it('8 voices per worklet: four rows of two instruments each', async () => {
    await page.getByTestId('voices-per-worklet').selectOption('8');
    await settled();
    await expect.poll(() => rows().count()).toBe(4);
    await page.getByTestId('voices-per-worklet').selectOption('16');
    await settled();
    await expect.poll(() => rows().count()).toBe(2);
  });

  it('simplified MOD instruments need no worklet at all', async () => {
    await page.getByTestId('simplified').check();
    await settled();
    await expect.poll(() => rows().count()).toBe(0);
    expect(await probe()).toMatchObject({ mode: 'simplified', workletCount: 0 });
    expect(await page.getByTestId('pool-map').textContent()).toContain('no worklet');
    expect(await loudestWithin(5000)).toBeGreaterThan(0.01);
    await page.getByTestId('simplified').uncheck();
    await settled();
    await expect.poll(() => rows().count()).toBe(2);
  });

  it('a malformed file shows the loader error and the current song keeps playing', async () => {
    const songBefore = await page.getByTestId('song').textContent();
    // The default song cut inside its pattern data: the loader must refuse it.
    await page.getByTestId('file-input').setInputFiles({
      name: 'cut-short.mod',
      mimeType: 'audio/mod',
      buffer: Buffer.from(defaultSongBytes().subarray(0, 2000)),
    });
    await settled();
    const error = page.getByTestId('error');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.textContent()).toMatch(
      /^Could not load cut-short\.mod: SongLoadError TRUNCATED: .*the file ends at 2000 \(byte offset 2000\)$/,
    );
    expect(await page.getByTestId('song').textContent()).toBe(songBefore);
    expect(await page.getByTestId('status').textContent()).toBe('playing');
    expect(await loudestWithin(5000)).toBeGreaterThan(0.01);
    expect(await rows().count()).toBe(2);
    await shot('04-malformed-file-error');
  });

  it.runIf(haveFixtures())(
    'a malformed file from the shared fixtures shows its loader error too',
    async () => {
      await page.getByTestId('file-input').setInputFiles({
        name: 'load_mod_no_valid_orders.mod',
        mimeType: 'audio/mod',
        buffer: readFileSync(join(fixturesDir, 'malformed/load_mod_no_valid_orders.mod')),
      });
      await settled();
      expect(await page.getByTestId('error').textContent()).toMatch(
        /^Could not load load_mod_no_valid_orders\.mod: SongLoadError NO_ORDERS: .*byte offset 952/,
      );
      expect(await page.getByTestId('status').textContent()).toBe('playing');
      expect(await loudestWithin(5000)).toBeGreaterThan(0.01);
    },
  );

  it.runIf(haveFixtures())(
    'a 7-instrument song dropped on the page fills 2 worklets with fixed blocks and 7 with dedicated',
    async () => {
      const bytes = [...readFileSync(join(fixturesDir, 'songs/ZONE-2A.mod'))];
      const dataTransfer = await page.evaluateHandle((content) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(content)], 'ZONE-2A.mod'));
        return transfer;
      }, bytes);
      await page.dispatchEvent('body', 'dragover', { dataTransfer });
      expect(await page.evaluate(() => document.body.classList.contains('dragging'))).toBe(true);
      await page.dispatchEvent('body', 'drop', { dataTransfer });
      await settled();
      expect(await page.evaluate(() => document.body.classList.contains('dragging'))).toBe(false);
      expect(await page.getByTestId('error').isVisible()).toBe(false);
      expect(await page.getByTestId('song').textContent()).toContain('ZONE-2A.mod');
      expect(await page.getByTestId('song').textContent()).toContain('CIA tempo');
      await expect.poll(() => rows().count()).toBe(2);
      expect(await probe()).toMatchObject({ workletCount: 2, instruments: 7 });
      expect(await loudestWithin(5000)).toBeGreaterThan(0.01);
      await shot('05-seven-instruments-fixed-blocks');
      await page.getByTestId('strategy').selectOption('dedicated');
      await settled();
      await expect.poll(() => rows().count()).toBe(7);
      await shot('06-seven-instruments-dedicated');
      await page.getByTestId('strategy').selectOption('fixed-blocks');
      await settled();
    },
  );

  it.runIf(haveFixtures())(
    'an 8-channel song on 4-voice worklets shows the warning that channels share voices',
    async () => {
      const load = async (name: string) => {
        await page.getByTestId('file-input').setInputFiles({
          name,
          mimeType: 'audio/mod',
          buffer: readFileSync(join(fixturesDir, 'songs', name)),
        });
        await settled();
      };
      const warnings = page.locator('[data-stat="warnings"]');
      await load('Gidion_Graveland.mod');
      await expect.poll(() => warnings.textContent()).toBe('none');
      await page.getByTestId('voices-per-worklet').selectOption('4');
      await settled();
      await expect
        .poll(() => warnings.textContent())
        .toBe(
          'the song has 8 channels but a worklet holds 4 voices (voicesPerWorklet): each instrument gets 4, so channels 5-8 share voices with channels 1-4 and can cut their notes short',
        );
      await shot('07-warning-channels-share-voices');
      await page.getByTestId('voices-per-worklet').selectOption('16');
      await settled();
      await expect.poll(() => warnings.textContent()).toBe('none');
      await load('ZONE-2A.mod');
    },
  );

  it('measures the offline render speed pooled and without pooling', async () => {
    await page.getByTestId('measure').click();
    await settled();
    const table = page.getByTestId('render-speed');
    await expect.poll(() => table.isVisible(), { timeout: 30_000 }).toBe(true);
    const cells = await table
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    expect(cells).toHaveLength(2);
    // Nodes the offline banks created: as many as the figure's two layouts show.
    const figure = page.getByTestId('comparison');
    expect(cells.map((row) => row[1])).toEqual([
      await figure.locator('[data-figure="pooled-worklets"]').textContent(),
      await figure.locator('[data-figure="dedicated-worklets"]').textContent(),
    ]);
    // The stats now carry the per-worklet cost the two renders imply.
    expect(await page.locator('[data-stat="load"]').textContent()).toMatch(
      /^offline: (≈\d+\.\d µs per extra worklet per 128-frame quantum|the difference between the renders was within noise)/,
    );
    // Both renders made sound.
    for (const row of cells) expect(Number(row[4])).toBeGreaterThan(0.01);
    await shot('08-render-speed');
  });

  it('stop silences the output and darkens the map', async () => {
    await page.getByTestId('stop').click();
    await settled();
    expect(await page.getByTestId('status').textContent()).toBe('ready');
    expect((await probe()).lit).toBe(0);
    // Notes already queued in the player's lookahead window may still start; then silence.
    await expect
      .poll(async () => (await probe()).level, { timeout: 1500, interval: 100 })
      .toBeLessThan(0.001);
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
