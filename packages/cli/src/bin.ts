#!/usr/bin/env node
/**
 * The `workletpool` executable: runs a parsed command (render, trace, stats...) on the
 * songbank package, and maps each typed error to one message and an exit code.
 */
import { constants, readFileSync } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import {
  createSongBank,
  defaultSongBytes,
  encodeWav,
  loadMod,
  type Song,
  type SongBankStats,
  SongLoadError,
  songDuration,
  songTempoMode,
  traceSong,
} from '@workletpool/songbank';
import { resolveStrategy, type StrategyName } from '@workletpool/strategies';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { type Command, MAX_RENDER_FRAMES, parseCommandLine, USAGE, UsageError } from './args.js';
import { createProgressBar } from './progress.js';

// A reader that stops early (`workletpool trace song.mod | head -1`) closes the pipe; that
// is the reader's choice, not a failure, so the command ends quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

async function readSong(file: string | undefined): Promise<{ song: Song; name: string }> {
  if (file === undefined) return { song: loadMod(defaultSongBytes()), name: 'the default song' };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    throw new CliError(`${file}: cannot read the file (${reasonOf(error)})`);
  }
  try {
    return { song: loadMod(bytes), name: basename(file) };
  } catch (error) {
    if (error instanceof SongLoadError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : String(error);
}

/**
 * Fails unless `file` can be written, before any rendering: an existing regular file we
 * may write, or a new name in a directory we may write. Nothing is created or truncated
 * here, so a render that fails later leaves an existing file as it was.
 */
async function checkWritable(file: string): Promise<void> {
  const cannot = (why: string) => new CliError(`${file}: cannot write the file (${why})`);
  const existing = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw cannot(reasonOf(error));
  });
  if (existing !== undefined) {
    if (existing.isDirectory()) throw cannot('it is a directory');
    if (!existing.isFile()) throw cannot('it is not a regular file');
    await access(file, constants.W_OK).catch((error: unknown) => {
      throw cannot(reasonOf(error));
    });
    return;
  }
  // Name the first folder on the way that is missing or is not a folder.
  const folder = dirname(resolve(file));
  let ancestor = folder;
  let found = await stat(ancestor).catch(() => undefined);
  while (found === undefined && dirname(ancestor) !== ancestor) {
    ancestor = dirname(ancestor);
    found = await stat(ancestor).catch(() => undefined);
  }
  if (found !== undefined && !found.isDirectory()) throw cannot(`${ancestor} is not a directory`);
  if (ancestor !== folder) throw cannot(`no directory ${dirname(file)}`);
  await access(folder, constants.W_OK).catch((error: unknown) => {
    throw cannot(reasonOf(error));
  });
}

/** An error the CLI prints as one line before exiting with code 1. */
class CliError extends Error {}

/** `1 worklet`, `2 worklets`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function formatStats(stats: SongBankStats): string {
  const lines = [
    `mode ${stats.mode}, strategy ${stats.strategy}: ${count(stats.workletCount, 'worklet')}, ` +
      `${count(stats.totalVoices, 'voice')} (${stats.allocatedVoices} allocated, ${stats.freeVoices} free), ` +
      `${count(stats.nodesCreated, 'AudioWorkletNode')} created`,
  ];
  for (const instrument of stats.instruments) {
    const where =
      instrument.worklet === undefined || instrument.start === undefined
        ? `${count(instrument.voices, 'voice')}, no worklet`
        : instrument.voices === 1
          ? `worklet ${instrument.worklet}, voice ${instrument.start}`
          : `worklet ${instrument.worklet}, voices ${instrument.start}-${instrument.start + instrument.voices - 1}`;
    lines.push(`  ${instrument.id.padEnd(4)} ${instrument.name.padEnd(22)} ${where}`);
  }
  return lines.join('\n');
}

/** One stderr line per way the bank says playback is worse than the song asks for. */
function warningLines(stats: SongBankStats): string[] {
  return stats.warnings.map((warning) => `warning: ${warning.message}`);
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

async function run(command: Command): Promise<void> {
  if (command.command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command.command === 'version') {
    console.log(version());
    return;
  }
  if (command.command === 'render') await checkWritable(command.out);
  const { song, name } = await readSong(command.file);
  if (command.command === 'trace') {
    process.stdout.write(traceSong(song, { header: true, tempoMode: command.tempoMode }));
    return;
  }
  const strategy = resolveStrategy(command.strategy as StrategyName);
  const sampleRate = command.command === 'render' ? command.sampleRate : 48_000;
  // `stats` renders a token 10 ms (its context must be rendered once); only `render`
  // needs the song's length, which walks the whole song.
  const seconds = command.command === 'render' ? (command.seconds ?? songDuration(song, command)) : 0.01;
  if (seconds * sampleRate > MAX_RENDER_FRAMES) {
    throw new CliError(
      `${name}: the song plays ${seconds.toFixed(1)} s, more than a render holds at ${sampleRate} Hz ` +
        `(${MAX_RENDER_FRAMES} frames); pass --seconds to render its start`,
    );
  }
  const context = new OfflineAudioContext({
    numberOfChannels: 2,
    length: Math.max(1, Math.ceil(seconds * sampleRate)),
    sampleRate,
  });
  const bank = await createSongBank(context, {
    AudioWorkletNode,
    strategy,
    pooling: command.pooling,
    simplifiedMod: command.simplified,
    voicesPerWorklet: command.voicesPerWorklet,
    outputs: command.outputs,
  });
  try {
    if (command.command === 'stats') {
      await bank.prepareSong(song);
      const stats = bank.getStats();
      for (const line of warningLines(stats)) console.error(`workletpool: ${line}`);
      const mode = command.tempoMode === 'auto' ? songTempoMode(song) : command.tempoMode;
      console.log(`${name}: "${song.title}", ${count(song.channels, 'channel')}, tempo mode ${mode}`);
      console.log(formatStats(stats));
      // Render the (tiny) context too: an unrendered context with worklets slows later renders.
      await context.startRendering();
      return;
    }
    await bank.prepareSong(song);
    for (const line of warningLines(bank.getStats())) console.error(`workletpool: ${line}`);
    const progress = command.progress
      ? createProgressBar(process.stderr, `rendering ${name}`)
      : { update() {}, done() {} };
    const started = performance.now();
    const buffer = await bank.render(song, {
      seconds,
      tempoMode: command.tempoMode,
      onProgress: (f) => progress.update(f),
    });
    progress.done();
    const wallSeconds = (performance.now() - started) / 1000;
    try {
      await writeFile(command.out, encodeWav(buffer, { bitDepth: 16 }));
    } catch (error) {
      throw new CliError(`${command.out}: cannot write the file (${reasonOf(error)})`);
    }
    console.log(
      `${name}: "${song.title}", ${seconds.toFixed(1)} s at ${sampleRate} Hz in ${wallSeconds.toFixed(2)} s ` +
        `(${(seconds / wallSeconds).toFixed(1)}x real time) -> ${command.out}`,
    );
    console.log(formatStats(bank.getStats()));
  } finally {
    bank.dispose();
  }
}

try {
  await run(parseCommandLine(process.argv.slice(2)));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`workletpool: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof CliError || (error instanceof Error && 'code' in error)) {
    console.error(`workletpool: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
