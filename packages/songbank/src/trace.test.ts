// The trace format, and the sequencer scored against the reference traces of the
// ProTracker compat fixtures.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturesDir, haveFixtures, sharedToolsDir } from '../../../test-support/fixtures.js';
import { buildSong } from '../test/song-builder.js';
import { SequencerError } from './errors.js';
import { loadMod } from './mod-loader.js';
import { createSequencer } from './sequencer.js';
import { TRACE_COLUMNS, TRACE_HEADER, traceSong } from './trace.js';

function load(folder: string, name: string) {
  return loadMod(new Uint8Array(readFileSync(join(fixturesDir, folder, name))));
}

/** Seconds from the first tick to the end of the last one. */
function songSeconds(name: string): number {
  let total = 0;
  for (const tick of createSequencer(load('songs', name))) total += tick.duration;
  return total;
}

describe('traceSong format', () => {
  it('prints one line per tick for a sounding channel, with period x4096 and volume x16', () => {
    const song = buildSong({
      samples: [{ length: 4000, volume: 48, loopStart: 0, loopLength: 4000 }],
      patterns: [{ 0: { 1: { period: 428, sample: 1 } }, 1: { 1: { effect: 0xd, param: 0 } } }],
    });
    const lines = traceSong(song).trimEnd().split('\n');
    // Rows 0 and 1 at speed 6, then the break returns to order 0 row 0: the song ends.
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatch(/^20 0 0 1 1753088 60 0 768 127 \d+ 0$/);
    expect(lines[11]).toMatch(/^240 1 5 1 1753088 60 0 768 127 \d+ 0$/);
  });

  it('prints as many fields as TRACE_COLUMNS names, after a header naming each with its unit', () => {
    const song = buildSong({ patterns: [{ 0: { 0: { period: 428, sample: 1 } } }] });
    const [header, ...lines] = traceSong(song, { header: true }).trimEnd().split('\n');
    expect(header).toBe(TRACE_HEADER);
    expect(header).toBe(
      '# time[ms] row[row] frame[tick] chan[channel] period[x4096] note[semitone] ins[sample] vol[x16] pan[pan] pos[frames] cutoff[none]',
    );
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.split(' ')).toHaveLength(TRACE_COLUMNS.length);
    expect(traceSong(song).split('\n')[0]).toBe(lines[0]);
  });

  it('lists nothing for a song whose notes have no sample', () => {
    const song = buildSong({ patterns: [{ 0: { 0: { period: 428 } } }] });
    expect(traceSong(song)).toBe('');
  });

  it('puts channel 0 left and channel 1 right, and centres them without separation', () => {
    const song = buildSong({
      patterns: [{ 0: { 0: { period: 428, sample: 1 }, 1: { period: 428, sample: 1 } } }],
    });
    const first = traceSong(song).split('\n').slice(0, 2);
    expect(first[0]?.split(' ')[8]).toBe('-128');
    expect(first[1]?.split(' ')[8]).toBe('127');
    const mono = traceSong(song, { stereoSeparation: 0 }).split('\n').slice(0, 2);
    expect(mono.map((l) => l.split(' ')[8])).toEqual(['0', '0']);
  });

  it('refuses the options createSequencer refuses, with the same typed error', () => {
    const song = buildSong({ patterns: [{ 0: { 0: { period: 428, sample: 1 } } }] });
    for (const options of [
      { stereoSeparation: 2 },
      { stereoSeparation: Number.NaN },
      { tempoMode: 'pal' as 'cia' },
    ]) {
      const error = (() => {
        try {
          traceSong(song, options);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(SequencerError);
      expect((error as SequencerError).code).toBe('INVALID_OPTION');
      expect(() => createSequencer(song, options)).toThrow((error as Error).message);
    }
  });
});

// Generous timeouts: these play whole songs and spawn the scorer, on shared CI machines.
describe.runIf(haveFixtures())('traces against the reference player (compat/)', { timeout: 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'songbank-trace-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const cases = [
    'PortaTarget',
    'finetune',
    'ArpWraparound',
    'PatternJump',
    'PTInstrVolume',
    'ptoffset',
    'VibratoReset',
    'DelayBreak',
  ];

  it('covers every case in compat/', () => {
    const present = readdirSync(join(fixturesDir, 'compat'))
      .filter((n) => n.endsWith('.data'))
      .map((n) => n.replace(/\.data$/, ''));
    expect(present.sort()).toEqual([...cases].sort());
  });

  it.each(cases)('%s scores 1.0 with compare-trace.mjs', (name) => {
    const ours = join(work, `${name}.trace`);
    writeFileSync(ours, traceSong(load('compat', `${name}.mod`)));
    const run = spawnSync(
      process.execPath,
      [
        join(sharedToolsDir, 'compare-trace.mjs'),
        join(fixturesDir, 'compat', `${name}.data`),
        ours,
        '--json',
        '--show',
        '5',
      ],
      { encoding: 'utf8' },
    );
    const result = JSON.parse(run.stdout) as {
      score: number;
      refLines: number;
      extra: number;
      firstMismatches: unknown[];
    };
    expect(result.firstMismatches).toEqual([]);
    expect(result.refLines).toBeGreaterThan(50);
    expect(result.extra).toBe(0);
    expect(result.score).toBe(1);
    expect(run.status).toBe(0);
  });
});

describe.runIf(haveFixtures())(
  'song lengths (one pass, up to where the song would loop)',
  { timeout: 60_000 },
  () => {
    it.each([
      ['ode2ptk.mod', 85.472],
      ['condom_corruption.mod', 207.358],
    ])('%s plays %f s within 0.1%%', (name, seconds) => {
      expect(Math.abs(songSeconds(name) - seconds) / seconds).toBeLessThan(0.001);
    });

    it('plays every song in songs/ to an end within 15 minutes of song time', () => {
      for (const name of readdirSync(join(fixturesDir, 'songs'))) {
        const seconds = songSeconds(name);
        expect(seconds, name).toBeGreaterThan(10);
        expect(seconds, name).toBeLessThan(15 * 60);
      }
    });
  },
);
