import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturesDir, haveFixtures, sharedToolsDir } from '../../../test-support/fixtures.js';

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
    expect(wide.stdout).toMatch(
      /1 worklets, 64 voices \(32 allocated, 32 free\), 1 AudioWorkletNodes created/,
    );
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
