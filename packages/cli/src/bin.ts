#!/usr/bin/env node
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
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
import { type Command, parseCommandLine, USAGE, UsageError } from './args.js';
import { createProgressBar } from './progress.js';

async function readSong(file: string | undefined): Promise<{ song: Song; name: string }> {
  if (file === undefined) return { song: loadMod(defaultSongBytes()), name: 'the default song' };
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new CliError(`${file}: cannot read the file (${reason})`);
  }
  try {
    return { song: loadMod(bytes), name: basename(file) };
  } catch (error) {
    if (error instanceof SongLoadError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/** An error the CLI prints as one line before exiting with code 1. */
class CliError extends Error {}

function formatStats(stats: SongBankStats): string {
  const lines = [
    `mode ${stats.mode}, strategy ${stats.strategy}: ${stats.workletCount} worklets, ` +
      `${stats.totalVoices} voices (${stats.allocatedVoices} allocated, ${stats.freeVoices} free), ` +
      `${stats.nodesCreated} AudioWorkletNodes created`,
  ];
  for (const instrument of stats.instruments) {
    const where =
      instrument.worklet === undefined || instrument.start === undefined
        ? `${instrument.voices} voices, no worklet`
        : `worklet ${instrument.worklet}, voices ${instrument.start}-${instrument.start + instrument.voices - 1}`;
    lines.push(`  ${instrument.id.padEnd(4)} ${instrument.name.padEnd(22)} ${where}`);
  }
  return lines.join('\n');
}

async function run(command: Command): Promise<void> {
  if (command.command === 'help') {
    console.log(USAGE);
    return;
  }
  let strategy: ReturnType<typeof resolveStrategy>;
  try {
    strategy = resolveStrategy(command.strategy as StrategyName);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { song, name } = await readSong(command.file);
  if (command.command === 'trace') {
    process.stdout.write(traceSong(song, { tempoMode: command.tempoMode }));
    return;
  }
  const sampleRate = command.command === 'render' ? command.sampleRate : 48_000;
  // `stats` renders a token 10 ms (its context must be rendered once); only `render`
  // needs the song's length, which walks the whole song.
  const seconds = command.command === 'render' ? (command.seconds ?? songDuration(song, command)) : 0.01;
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
      const mode = command.tempoMode === 'auto' ? songTempoMode(song) : command.tempoMode;
      console.log(`${name}: "${song.title}", ${song.channels} channels, tempo mode ${mode}`);
      console.log(formatStats(bank.getStats()));
      // Render the (tiny) context too: an unrendered context with worklets slows later renders.
      await context.startRendering();
      return;
    }
    if (command.command !== 'render') return;
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
    await writeFile(command.out, encodeWav(buffer, { bitDepth: 16 }));
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
