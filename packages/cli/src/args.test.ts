// The command line's grammar: every accepted form, and a UsageError naming the
// argument for every mistake, checked without running a command.
import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from './args.js';

describe('parseCommandLine', () => {
  it('renders the default song with the defaults', () => {
    expect(parseCommandLine(['render'])).toEqual({
      command: 'render',
      file: undefined,
      out: 'out.wav',
      strategy: 'fixed-blocks',
      pooling: true,
      simplified: false,
      voicesPerWorklet: 16,
      outputs: 'shared',
      tempoMode: 'auto',
      seconds: undefined,
      sampleRate: 48_000,
      progress: true,
    });
  });

  it('reads every render option', () => {
    const parsed = parseCommandLine([
      'render',
      'song.mod',
      '-o',
      'x.wav',
      '--strategy',
      'best-fit',
      '--voices-per-worklet',
      '64',
      '--outputs',
      'per-instrument',
      '--seconds',
      '2.5',
      '--sample-rate',
      '44100',
      '--no-progress',
    ]);
    expect(parsed).toMatchObject({
      file: 'song.mod',
      out: 'x.wav',
      strategy: 'best-fit',
      pooling: true,
      simplified: false,
      voicesPerWorklet: 64,
      outputs: 'per-instrument',
      seconds: 2.5,
      sampleRate: 44_100,
      progress: false,
    });
  });

  it('reads the tempo mode of every command', () => {
    expect(parseCommandLine(['render', '--tempo-mode', 'vblank'])).toMatchObject({ tempoMode: 'vblank' });
    expect(parseCommandLine(['trace', '--tempo-mode', 'cia'])).toMatchObject({ tempoMode: 'cia' });
    expect(parseCommandLine(['stats'])).toMatchObject({ tempoMode: 'auto' });
    expect(() => parseCommandLine(['trace', '--tempo-mode', 'pal'])).toThrow(/--tempo-mode .*"pal"/);
  });

  it('names the bad value', () => {
    expect(() => parseCommandLine(['render', '--seconds', 'soon'])).toThrow(/--seconds .*"soon"/);
    expect(() => parseCommandLine(['render', '--sample-rate', '44100.5'])).toThrow(UsageError);
    expect(() => parseCommandLine(['play'])).toThrow(/unknown command "play"/);
    expect(() => parseCommandLine(['trace', 'a.mod', 'b.mod'])).toThrow(/at most one song file/);
    expect(() => parseCommandLine(['render', '--loud'])).toThrow(UsageError);
    expect(() => parseCommandLine(['render', '--outputs', 'mixed'])).toThrow(/--outputs .*"mixed"/);
    expect(() => parseCommandLine(['stats', '--voices-per-worklet', '0'])).toThrow(/--voices-per-worklet/);
  });

  it('reads the mode switches', () => {
    expect(parseCommandLine(['stats', '--no-pooling'])).toMatchObject({ pooling: false, simplified: false });
    expect(parseCommandLine(['render', '--simplified'])).toMatchObject({ pooling: true, simplified: true });
  });

  it('treats no command as help, and reads --version and --help anywhere', () => {
    expect(parseCommandLine([])).toEqual({ command: 'help' });
    expect(parseCommandLine(['render', '--help'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['trace', '-h'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['--version'])).toEqual({ command: 'version' });
    expect(parseCommandLine(['-V'])).toEqual({ command: 'version' });
    expect(() => parseCommandLine(['--version', 'x'])).toThrow(UsageError);
  });

  it('refuses options the command does not take or that have no effect', () => {
    expect(() => parseCommandLine(['trace', '--strategy', 'best-fit'])).toThrow(
      'trace does not take --strategy',
    );
    expect(() => parseCommandLine(['trace', '--voices-per-worklet', '4'])).toThrow(/trace does not take/);
    expect(() => parseCommandLine(['stats', '-o', 'x.wav'])).toThrow('stats does not take --out');
    expect(() => parseCommandLine(['stats', '--seconds', '2', '--sample-rate', '44100'])).toThrow(
      'stats does not take --seconds, --sample-rate',
    );
    expect(() => parseCommandLine(['render', '--no-pooling', '--strategy', 'best-fit'])).toThrow(
      '--strategy has no effect with --no-pooling',
    );
    expect(() => parseCommandLine(['render', '--simplified', '--no-pooling', '--outputs', 'shared'])).toThrow(
      '--outputs, --no-pooling have no effect with --simplified',
    );
  });

  it('bounds --seconds, --sample-rate and --voices-per-worklet with the limits in the message', () => {
    expect(() => parseCommandLine(['render', '--seconds', '100000'])).toThrow(
      '--seconds must be at most 1800 at 48000 Hz (a render holds 86400000 frames); got "100000"',
    );
    expect(() => parseCommandLine(['render', '--seconds', '1000', '--sample-rate', '96000'])).toThrow(
      '--seconds must be at most 900 at 96000 Hz',
    );
    expect(parseCommandLine(['render', '--seconds', '1800'])).toMatchObject({ seconds: 1800 });
    for (const bad of ['-5', '0', 'NaN', 'Infinity', '', '1e400']) {
      expect(() => parseCommandLine(['render', `--seconds=${bad}`])).toThrow(
        /--seconds must be a positive number/,
      );
    }
    expect(() => parseCommandLine(['render', '--sample-rate', '1000'])).toThrow(
      '--sample-rate must be from 3000 to 384000; got "1000"',
    );
    expect(() => parseCommandLine(['render', '--sample-rate', '768000'])).toThrow(/from 3000 to 384000/);
    expect(parseCommandLine(['render', '--sample-rate', '384000'])).toMatchObject({ sampleRate: 384_000 });
    expect(() => parseCommandLine(['stats', '--voices-per-worklet', '1000'])).toThrow(
      '--voices-per-worklet must be from 1 to 64; got "1000"',
    );
    expect(() => parseCommandLine(['stats', '--voices-per-worklet', '2'])).toThrow(
      /fixed-blocks .* at least 4/,
    );
    expect(parseCommandLine(['stats', '--voices-per-worklet', '2', '--strategy', 'first-fit'])).toMatchObject(
      {
        voicesPerWorklet: 2,
      },
    );
    expect(() => parseCommandLine(['render', '--strategy', 'worst-fit'])).toThrow(
      "unknown strategy 'worst-fit'",
    );
    expect(() => parseCommandLine(['render', '-o', ''])).toThrow(/--out must name a file/);
  });
});
