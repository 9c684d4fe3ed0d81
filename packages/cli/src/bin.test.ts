// The built `workletpool` executable run as users run it, in a child process: real
// renders, stats and traces of real songs, exit codes, and its manners as a Unix tool.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Cell, type Song, songDuration, writeMod } from '@workletpool/songbank';
import { describe, expect, it } from 'vitest';
import { fixturesDir, haveFixtures, sharedToolsDir } from '../../../test-support/fixtures.js';
import { readmeErrorCodes, readmeSection } from '../../../test-support/readme-check.js';
import { USAGE } from './args.js';

// The built command, exactly as users run it (turbo builds before testing).
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'workletpool-cli-'));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    cwd: work,
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('workletpool render', () => {
  it('renders the bundled default song to a WAV file and prints the pool', () => {
    const out = join(work, 'default.wav');
    const { status, stdout, stderr } = run('render', '-o', out, '--seconds', '2', '--sample-rate', '44100');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toMatch(/2 worklets, 32 voices \(32 allocated, 0 free\), 2 AudioWorkletNodes created/);
    const wav = readFileSync(out);
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(44_100);
    const samples = new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) / 2);
    expect(samples.length).toBe(2 * 2 * 44_100);
    expect(samples.some((s) => Math.abs(s) > 1000)).toBe(true);
  });

  it('writes the same WAV with shared or per-instrument outputs and with 64-voice worklets', () => {
    const render = (name: string, ...flags: string[]) => {
      const out = join(work, name);
      const { status, stdout, stderr } = run(
        'render',
        '-o',
        out,
        '--seconds',
        '3',
        '--no-progress',
        ...flags,
      );
      expect(stderr).toBe('');
      expect(status).toBe(0);
      return { stdout, wav: readFileSync(out) };
    };
    const shared = render('shared.wav');
    const perInstrument = render('per-instrument.wav', '--outputs', 'per-instrument');
    const wide = render('wide.wav', '--voices-per-worklet', '64');
    expect(wide.stdout).toMatch(/1 worklet, 64 voices \(32 allocated, 32 free\), 1 AudioWorkletNode created/);
    const samples = (wav: Buffer) => new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) / 2);
    const reference = samples(shared.wav);
    expect(reference.some((x) => Math.abs(x) > 1000)).toBe(true);
    // The same sum, added in another order: at most one step of 16-bit rounding apart.
    for (const other of [perInstrument, wide]) {
      const got = samples(other.wav);
      expect(got.length).toBe(reference.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++)
        worst = Math.max(worst, Math.abs((got[i] as number) - (reference[i] as number)));
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  it('gives each instrument its own worklet with --no-pooling', () => {
    const { status, stdout } = run(
      'render',
      '-o',
      join(work, 'dedicated.wav'),
      '--seconds',
      '0.5',
      '--no-pooling',
    );
    expect(status).toBe(0);
    expect(stdout).toMatch(/mode dedicated.*8 worklets.*8 AudioWorkletNodes created/);
  });

  it('uses no worklet with --simplified', () => {
    const { status, stdout } = run(
      'render',
      '-o',
      join(work, 'simple.wav'),
      '--seconds',
      '0.5',
      '--simplified',
    );
    expect(status).toBe(0);
    expect(stdout).toMatch(/mode simplified.*0 worklets.*0 AudioWorkletNodes created/);
  });

  it('refuses a bad file with one line naming it, exit code 1', () => {
    const bad = join(work, 'bad.mod');
    writeFileSync(bad, new Uint8Array(300).fill(7));
    const { status, stdout, stderr } = run('render', bad, '-o', join(work, 'bad.wav'));
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(bad);
    expect(stderr).toMatch(/byte offset \d+/);
  });

  it('refuses a missing file and an unknown strategy', () => {
    const missing = run('stats', join(work, 'nope.mod'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nope.mod: cannot read the file (ENOENT)');
    const strategy = run('stats', '--strategy', 'worst-fit');
    expect(strategy.status).toBe(2);
    expect(strategy.stderr).toContain("unknown strategy 'worst-fit'");
  });
});

describe('workletpool stats and trace', () => {
  it('prints where the default song sits in the pool', () => {
    const { status, stdout } = run('stats', '--strategy', 'best-fit');
    expect(status).toBe(0);
    expect(stdout).toMatch(/strategy best-fit: 2 worklets/);
    expect(stdout).toMatch(/4 channels, tempo mode cia/);
    expect(stdout.match(/worklet \d, voices/g)).toHaveLength(8);
  });

  it.runIf(haveFixtures())('prints a trace that scores 1.0 against the reference', () => {
    const { status, stdout } = run('trace', join(fixturesDir, 'compat/PortaTarget.mod'));
    expect(status).toBe(0);
    const trace = join(work, 'PortaTarget.trace');
    writeFileSync(trace, stdout);
    const scorer = join(sharedToolsDir, 'compare-trace.mjs');
    const scored = spawnSync(
      process.execPath,
      [scorer, join(fixturesDir, 'compat/PortaTarget.data'), trace, '--json'],
      { encoding: 'utf8' },
    );
    expect(scored.status).toBe(0);
    expect(JSON.parse(scored.stdout)).toMatchObject({ score: 1 });
  });
});

describe('workletpool as a Unix tool', () => {
  const packageDir = fileURLToPath(new URL('..', import.meta.url));

  it('prints its version', () => {
    const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const { status, stdout, stderr } = run(flag);
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(stdout).toBe(`${version}\n`);
    }
  });

  it('ends quietly when the reader closes the pipe early', () => {
    // The default song's trace is far larger than a pipe's buffer, so the write meets the closed pipe.
    const result = spawnSync(
      'bash',
      ['-c', `set -o pipefail; "${process.execPath}" "${bin}" trace | head -1`],
      {
        encoding: 'utf8',
        cwd: work,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^# time\[ms\] /);
  });

  it('refuses bad numbers with the bound in one line and the usage, exit code 2, no stack', () => {
    const cases: [string[], string][] = [
      [['render', '--seconds', '100000'], '--seconds must be at most 1800 at 48000 Hz'],
      [['render', '--sample-rate', '1000000'], '--sample-rate must be from 3000 to 384000; got "1000000"'],
      [['stats', '--voices-per-worklet', '1000'], '--voices-per-worklet must be from 1 to 64; got "1000"'],
      [['stats', '--voices-per-worklet', '0'], '--voices-per-worklet must be a positive integer; got "0"'],
      [['trace', '--strategy', 'best-fit'], 'trace does not take --strategy'],
      [['stats', '-o', 'x.wav'], 'stats does not take --out'],
      [['render', '--no-pooling', '--strategy', 'best-fit'], '--strategy has no effect with --no-pooling'],
    ];
    for (const [args, message] of cases) {
      const { status, stdout, stderr } = run(...args);
      expect(status, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.startsWith(`workletpool: ${message}`), stderr).toBe(true);
      expect(stderr).toContain(USAGE);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('checks that -o can be written before reading the song, exit code 1', () => {
    const bad = join(work, 'bad-for-out.mod');
    writeFileSync(bad, new Uint8Array(300).fill(7));
    const aFile = join(work, 'a-file');
    writeFileSync(aFile, 'x');
    const aFolder = join(work, 'a-folder');
    mkdirSync(aFolder, { recursive: true });
    const cases: [string, string][] = [
      [join(work, 'missing', 'x.wav'), `cannot write the file (no directory ${join(work, 'missing')})`],
      [join(aFile, 'x.wav'), `cannot write the file (${aFile} is not a directory)`],
      [join(aFile, 'sub', 'x.wav'), `cannot write the file (${aFile} is not a directory)`],
      [aFolder, 'cannot write the file (it is a directory)'],
    ];
    for (const [out, reason] of cases) {
      // The song is broken too: the output is checked first, before any work on the song.
      const { status, stdout, stderr } = run('render', bad, '-o', out);
      expect(status, out).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toBe(`workletpool: ${out}: ${reason}\n`);
    }
    expect(readFileSync(aFile, 'utf8')).toBe('x');
  });

  it('refuses a song longer than a render holds before rendering, exit code 1', () => {
    // Speed 31 at 32 BPM: 2.4 s a row, so two orders of one pattern last 310 s.
    const empty: Cell = { period: 0, sample: 0, effect: 0, param: 0 };
    const rows = Array.from({ length: 64 }, () => [empty, empty, empty, empty]);
    rows[0] = [{ ...empty, effect: 0xf, param: 31 }, { ...empty, effect: 0xf, param: 32 }, empty, empty];
    const song: Song = {
      title: 'slow',
      format: { kind: 'protracker', tag: 'M.K.' },
      channels: 4,
      samples: Array.from({ length: 31 }, () => ({
        name: '',
        finetune: 0,
        volume: 0,
        loopStart: 0,
        loopLength: 0,
        data: new Int8Array(0),
      })),
      orders: [0, 0],
      restartPosition: 0,
      patterns: [{ rows }],
    };
    expect(songDuration(song)).toBeGreaterThan(300);
    const file = join(work, 'slow.mod');
    writeFileSync(file, writeMod(song));
    const { status, stdout, stderr } = run(
      'render',
      file,
      '--sample-rate',
      '384000',
      '-o',
      join(work, 'slow.wav'),
    );
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'workletpool: slow.mod: the song plays 310.0 s, more than a render holds at 384000 Hz ' +
        '(86400000 frames); pass --seconds to render its start\n',
    );
  });

  it('warns on stderr, one line, when the song has more channels than an instrument gets voices', () => {
    const narrow = run('stats', '--strategy', 'best-fit', '--voices-per-worklet', '2');
    expect(narrow.status).toBe(0);
    expect(narrow.stderr).toBe(
      'workletpool: warning: the song has 4 channels but a worklet holds 2 voices (voicesPerWorklet): ' +
        'each instrument gets 2, so channels 3-4 share voices with channels 1-2 and can cut their notes short\n',
    );
    const rendered = run(
      'render',
      '-o',
      join(work, 'narrow.wav'),
      '--seconds',
      '0.2',
      '--simplified',
      '--voices-per-worklet',
      '3',
      '--no-progress',
    );
    expect(rendered.status).toBe(0);
    expect(rendered.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^workletpool: warning: .*a worklet holds 3 voices/),
    ]);
    expect(run('stats').stderr).toBe('');
  });

  it('lists in its README exactly the exit codes it produces', () => {
    const produced = new Map([
      ['1', run('stats', join(work, 'nope.mod')).status],
      ['2', run('play').status],
    ]);
    expect(readmeErrorCodes(packageDir)).toEqual([...produced.keys()]);
    for (const [code, status] of produced) expect(status).toBe(Number(code));
  });
});

describe('workletpool trace columns', () => {
  it('names every column with its unit in a # header, as many as each line has, as the README lists', () => {
    const { status, stdout } = run('trace');
    expect(status).toBe(0);
    const [header, first] = stdout.split('\n');
    expect(header).toMatch(/^# /);
    const columns = (header ?? '').slice(2).split(' ');
    expect(columns.every((c) => /^\w+\[[^\]]+\]$/.test(c))).toBe(true);
    expect(first?.split(' ')).toHaveLength(columns.length);
    const readme = readmeSection(fileURLToPath(new URL('..', import.meta.url)), 'Trace columns');
    const rows = readme.split('\n').filter((line) => /^\| `/.test(line));
    expect(
      rows.map((row) =>
        row
          .split('|')
          .slice(1, 3)
          .map((cell) => cell.trim().replace(/`/g, '')),
      ),
    ).toEqual(columns.map((column) => column.slice(0, -1).split('[')));
  });
});
