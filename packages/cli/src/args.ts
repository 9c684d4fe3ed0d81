import { parseArgs } from 'node:util';

/** Thrown for a command line the CLI cannot run; printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
}

/** `workletpool render`: render a song to a WAV file. */
export interface RenderCommand {
  readonly command: 'render';
  readonly file: string | undefined;
  readonly out: string;
  readonly strategy: string;
  readonly pooling: boolean;
  readonly simplified: boolean;
  readonly voicesPerWorklet: number;
  readonly outputs: 'shared' | 'per-instrument';
  readonly tempoMode: 'auto' | 'cia' | 'vblank';
  readonly seconds: number | undefined;
  readonly sampleRate: number;
  readonly progress: boolean;
}

/** `workletpool trace` / `workletpool stats`: print a trace or pool statistics. */
export interface InspectCommand {
  readonly command: 'trace' | 'stats';
  readonly file: string | undefined;
  readonly strategy: string;
  readonly pooling: boolean;
  readonly simplified: boolean;
  readonly voicesPerWorklet: number;
  readonly outputs: 'shared' | 'per-instrument';
  readonly tempoMode: 'auto' | 'cia' | 'vblank';
}

/** `workletpool help`. */
export interface HelpCommand {
  readonly command: 'help';
}

/** A parsed command line. */
export type Command = RenderCommand | InspectCommand | HelpCommand;

/** The text `workletpool help` prints. */
export const USAGE = `usage:
  workletpool render [song.mod] [-o out.wav] [--strategy S] [--no-pooling] [--simplified]
                     [--voices-per-worklet N] [--outputs shared|per-instrument]
                     [--seconds N] [--sample-rate R] [--no-progress] [--tempo-mode M]
  workletpool trace [song.mod]     print the playback trace (time row frame chan period note ins vol pan)
  workletpool stats [song.mod]     print how the song's instruments are placed in the pool

Without a song file, the bundled default song is used.
Strategies: fixed-blocks (default), best-fit, first-fit, dedicated.
Voices per worklet: 16 by default, at most 64. Outputs: shared (default; the CLI writes
only the mix, so each worklet has one stereo output) or per-instrument (an output node
per instrument, as apps that route or meter instruments use).
Tempo mode (render, trace, stats): auto (default: CIA, or VBlank for a song whose CIA pass
lasts 8 minutes or more and is shorter with VBlank timing), cia or vblank.`;

function positiveNumber(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}; got "${text}"`);
  }
  return value;
}

function outputsOf(text: string | undefined): 'shared' | 'per-instrument' {
  if (text === undefined) return 'shared';
  if (text === 'shared' || text === 'per-instrument') return text;
  throw new UsageError(`--outputs must be shared or per-instrument; got "${text}"`);
}

function tempoModeOf(text: string | undefined): 'auto' | 'cia' | 'vblank' {
  if (text === undefined || text === 'auto' || text === 'cia' || text === 'vblank') return text ?? 'auto';
  throw new UsageError(`--tempo-mode must be auto, cia or vblank; got "${text}"`);
}

/** Parses `argv` (without node and the script path). */
export function parseCommandLine(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    return { command: 'help' };
  }
  if (command !== 'render' && command !== 'trace' && command !== 'stats') {
    throw new UsageError(`unknown command "${command}"; expected render, trace, stats or help`);
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new UsageError(
      `expected at most one song file; got ${positionals.length}: ${positionals.join(', ')}`,
    );
  }
  const file = positionals[0];
  const common = {
    file,
    strategy: values.strategy ?? 'fixed-blocks',
    pooling: !values['no-pooling'],
    simplified: values.simplified ?? false,
    voicesPerWorklet: positiveNumber('voices-per-worklet', values['voices-per-worklet'], true) ?? 16,
    outputs: outputsOf(values.outputs),
    tempoMode: tempoModeOf(values['tempo-mode']),
  };
  if (command !== 'render') return { command, ...common };
  return {
    command,
    ...common,
    out: values.out ?? 'out.wav',
    seconds: positiveNumber('seconds', values.seconds, false),
    sampleRate: positiveNumber('sample-rate', values['sample-rate'], true) ?? 48_000,
    progress: !values['no-progress'],
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      strategy: { type: 'string' },
      'no-pooling': { type: 'boolean' },
      simplified: { type: 'boolean' },
      'voices-per-worklet': { type: 'string' },
      outputs: { type: 'string' },
      seconds: { type: 'string' },
      'sample-rate': { type: 'string' },
      'no-progress': { type: 'boolean' },
      'tempo-mode': { type: 'string' },
    },
  });
}
