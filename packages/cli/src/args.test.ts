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
      '--no-pooling',
      '--simplified',
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
      pooling: false,
      simplified: true,
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

  it('treats no command as help', () => {
    expect(parseCommandLine([])).toEqual({ command: 'help' });
  });
});
