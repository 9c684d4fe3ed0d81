/**
 * Reads the `workletpool` command line into a typed command, so every mistake in it is
 * one UsageError line before any file is read or any audio is made.
 */
import { parseArgs } from 'node:util';
import { strategyNames } from '@workletpool/strategies';

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

/** `workletpool stats`: print how a song's instruments are placed in the pool. */
export interface StatsCommand {
  readonly command: 'stats';
  readonly file: string | undefined;
  readonly strategy: string;
  readonly pooling: boolean;
  readonly simplified: boolean;
  readonly voicesPerWorklet: number;
  readonly outputs: 'shared' | 'per-instrument';
  readonly tempoMode: 'auto' | 'cia' | 'vblank';
}

/** `workletpool trace`: print a song's playback trace. */
export interface TraceCommand {
  readonly command: 'trace';
  readonly file: string | undefined;
  readonly tempoMode: 'auto' | 'cia' | 'vblank';
}

/** `workletpool help`. */
export interface HelpCommand {
  readonly command: 'help';
}

/** `workletpool --version`. */
export interface VersionCommand {
  readonly command: 'version';
}

/** A parsed command line. */
export type Command = RenderCommand | StatsCommand | TraceCommand | HelpCommand | VersionCommand;

/** The most voices worklet-runtime puts in one worklet. */
export const MAX_VOICES_PER_WORKLET = 64;
/** The sample rates both the Web Audio specification (from 3000) and node-web-audio-api (to 384000) accept. */
export const SAMPLE_RATE_RANGE = { min: 3000, max: 384_000 } as const;
/**
 * The most frames one render holds: 30 minutes at 48 kHz. The whole render sits in memory
 * as 32-bit floats before it becomes a WAV file (about 700 MB at this bound).
 */
export const MAX_RENDER_FRAMES = 48_000 * 60 * 30;

/** The text `workletpool help` prints. */
export const USAGE = `usage:
  workletpool render [song.mod] [-o out.wav] [--strategy S] [--no-pooling] [--simplified]
                     [--voices-per-worklet N] [--outputs shared|per-instrument]
                     [--seconds N] [--sample-rate R] [--no-progress] [--tempo-mode M]
  workletpool trace [song.mod] [--tempo-mode M]
                                   print the playback trace, after a # line naming the columns
  workletpool stats [song.mod] [--strategy S] [--no-pooling] [--simplified]
                    [--voices-per-worklet N] [--outputs shared|per-instrument] [--tempo-mode M]
                                   print how the song's instruments are placed in the pool
  workletpool help | --help        print this text
  workletpool --version            print the version

Without a song file, the bundled default song is used.
Strategies: ${strategyNames.join(', ')} (the first is the default).
Voices per worklet: 16 by default, at most ${MAX_VOICES_PER_WORKLET}. Outputs: shared (default; the CLI writes
only the mix, so each worklet has one stereo output) or per-instrument (an output node
per instrument, as apps that route or meter instruments use).
Seconds: the song's length by default; a render holds at most 30 minutes at 48000 Hz.
Sample rate: 48000 by default, ${SAMPLE_RATE_RANGE.min} to ${SAMPLE_RATE_RANGE.max}.
Tempo mode: auto (default: CIA, or VBlank for a song whose CIA pass lasts 8 minutes or
more and is shorter with VBlank timing), cia or vblank.
Exit codes: 0 done, 1 a file cannot be read, is not a MOD or cannot be written, 2 a bad command line.`;

const OPTIONS = {
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
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionName = keyof typeof OPTIONS;

const POOL_OPTIONS: readonly OptionName[] = [
  'strategy',
  'no-pooling',
  'simplified',
  'voices-per-worklet',
  'outputs',
];

/** The options each command takes; any other is refused rather than ignored. */
const TAKES: Record<'render' | 'stats' | 'trace', readonly OptionName[]> = {
  render: [...POOL_OPTIONS, 'tempo-mode', 'out', 'seconds', 'sample-rate', 'no-progress', 'help'],
  stats: [...POOL_OPTIONS, 'tempo-mode', 'help'],
  trace: ['tempo-mode', 'help'],
};

function number(name: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}; got "${text}"`);
  }
  return value;
}

function inRange(name: string, text: string | undefined, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const value = number(name, text, true);
  if (value < min || value > max) {
    throw new UsageError(`--${name} must be from ${min} to ${max}; got "${text}"`);
  }
  return value;
}

function secondsOf(text: string | undefined, sampleRate: number): number | undefined {
  if (text === undefined) return undefined;
  const value = number('seconds', text, false);
  const most = Math.floor((MAX_RENDER_FRAMES / sampleRate) * 1000) / 1000;
  if (value > most) {
    throw new UsageError(
      `--seconds must be at most ${most} at ${sampleRate} Hz (a render holds ${MAX_RENDER_FRAMES} frames); got "${text}"`,
    );
  }
  return value;
}

function outputsOf(text: string | undefined): 'shared' | 'per-instrument' {
  if (text === undefined) return 'shared';
  if (text === 'shared' || text === 'per-instrument') return text;
  throw new UsageError(`--outputs must be shared or per-instrument; got "${text}"`);
}

function strategyOf(text: string | undefined): string {
  if (text === undefined) return 'fixed-blocks';
  if ((strategyNames as readonly string[]).includes(text)) return text;
  throw new UsageError(`unknown strategy '${text}'; known strategies are ${strategyNames.join(', ')}`);
}

function tempoModeOf(text: string | undefined): 'auto' | 'cia' | 'vblank' {
  if (text === undefined || text === 'auto' || text === 'cia' || text === 'vblank') return text ?? 'auto';
  throw new UsageError(`--tempo-mode must be auto, cia or vblank; got "${text}"`);
}

/** Parses `argv` (without node and the script path). */
export function parseCommandLine(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    if (rest.length > 0) throw new UsageError(`help takes no arguments; got ${rest.join(' ')}`);
    return { command: 'help' };
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    if (rest.length > 0) throw new UsageError(`--version takes no arguments; got ${rest.join(' ')}`);
    return { command: 'version' };
  }
  if (command !== 'render' && command !== 'trace' && command !== 'stats') {
    throw new UsageError(`unknown command "${command}"; expected render, trace, stats, help or --version`);
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const refused = (Object.keys(values) as OptionName[]).filter((name) => !TAKES[command].includes(name));
  if (refused.length > 0) {
    const list = refused.map((name) => `--${name}`).join(', ');
    throw new UsageError(`${command} does not take ${list}`);
  }
  if (values.help === true) return { command: 'help' };
  if (positionals.length > 1) {
    throw new UsageError(
      `expected at most one song file; got ${positionals.length}: ${positionals.join(', ')}`,
    );
  }
  const file = positionals[0];
  if (command === 'trace') return { command, file, tempoMode: tempoModeOf(values['tempo-mode']) };
  // Only a pooled bank has a strategy and a choice of outputs; --simplified uses no worklet at all.
  const mode = values.simplified ? '--simplified' : values['no-pooling'] ? '--no-pooling' : undefined;
  const unused = (['strategy', 'outputs', 'no-pooling'] as const).filter(
    (name) => values[name] !== undefined && mode !== undefined && `--${name}` !== mode,
  );
  if (mode !== undefined && unused.length > 0) {
    throw new UsageError(
      `${unused.map((name) => `--${name}`).join(', ')} ${unused.length === 1 ? 'has' : 'have'} no effect with ${mode}`,
    );
  }
  const pool = {
    file,
    strategy: strategyOf(values.strategy),
    pooling: !values['no-pooling'],
    simplified: values.simplified ?? false,
    voicesPerWorklet: inRange(
      'voices-per-worklet',
      values['voices-per-worklet'],
      1,
      MAX_VOICES_PER_WORKLET,
      16,
    ),
    outputs: outputsOf(values.outputs),
    tempoMode: tempoModeOf(values['tempo-mode']),
  };
  // fixed-blocks hands out whole blocks of 4 voices, which a narrower worklet cannot hold.
  if (pool.strategy === 'fixed-blocks' && pool.pooling && !pool.simplified && pool.voicesPerWorklet < 4) {
    throw new UsageError(
      `--strategy fixed-blocks places blocks of 4 voices, so --voices-per-worklet must be at least 4; got ${pool.voicesPerWorklet} (use best-fit or first-fit for narrower worklets)`,
    );
  }
  if (command === 'stats') return { command, ...pool };
  if (values.out === '') throw new UsageError('-o/--out must name a file; got ""');
  const sampleRate = inRange(
    'sample-rate',
    values['sample-rate'],
    SAMPLE_RATE_RANGE.min,
    SAMPLE_RATE_RANGE.max,
    48_000,
  );
  return {
    command,
    ...pool,
    out: values.out ?? 'out.wav',
    seconds: secondsOf(values.seconds, sampleRate),
    sampleRate,
    progress: !values['no-progress'],
  };
}

function parse(args: string[]) {
  return parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS });
}
