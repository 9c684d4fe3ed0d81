// Soak: one long offline render, suspended every few seconds of audio to tear instruments
// down and create new ones (fresh sample data each time) through the bank API, with notes
// on whatever is alive. WASM memory and the JS heap must level off and every voice must
// be free at the end. WORKLETPOOL_SOAK_MINUTES sets the audio length (default: 20 s).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Instrument, InstrumentPatch } from '@workletpool/worklet-runtime';
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { createSongBank } from './song-bank.js';

const RATE = 22_050;
const minutes = Number(process.env.WORKLETPOOL_SOAK_MINUTES ?? 0);
const SECONDS = minutes > 0 ? Math.round(minutes * 60) : 20;
/** Seconds of audio between two rounds of teardown and creation. */
const PERIOD = 2;
const CYCLES = Math.floor(SECONDS / PERIOD) - 1;

/** A full garbage collection, so heap figures compare like with like. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return () => gc?.();
}

/** Fresh sample data each time: a one-shot or a looped sampler, or a synth. */
function patchFor(cycle: number, k: number): InstrumentPatch {
  if (k % 3 === 2) {
    return {
      kind: 'synth',
      waveform: (['sine', 'square', 'saw', 'triangle'] as const)[(cycle + k) % 4] ?? 'sine',
      attack: 0.01,
      decay: 0.1,
      sustain: 0.6,
      release: 0.05,
      cutoff: 3000,
      resonance: 0.2,
    };
  }
  const frames = 4000 + 1000 * ((cycle * 7 + k) % 5);
  const data = Int8Array.from({ length: frames }, (_, i) => Math.round(Math.sin((i * (k + 2)) / 11) * 100));
  return k % 3 === 0
    ? { kind: 'sampler', data, loopStart: 0, loopLength: 0 }
    : { kind: 'sampler', data, loopStart: frames / 2, loopLength: frames / 2 };
}

/** A long list of figures shortened to its first and last ten. */
function perRound(values: readonly number[]): string {
  if (values.length <= 24) return values.join(' ');
  return `${values.slice(0, 10).join(' ')} ... ${values.slice(-10).join(' ')}`;
}

describe(`SongBank soak: ${SECONDS} s of offline audio`, () => {
  it(
    'creates and tears down instruments every few seconds; memory levels off and no voice leaks',
    async () => {
      const gc = collector();
      const context = new OfflineAudioContext({
        numberOfChannels: 2,
        length: SECONDS * RATE,
        sampleRate: RATE,
      });
      const bank = await createSongBank(context as unknown as BaseAudioContext, {
        AudioWorkletNode,
        strategy: 'best-fit',
      });
      const live = new Map<string, Instrument>();
      const samples: { cycle: number; memoryBytes: number; heapUsed: number; workletCount: number }[] = [];
      let created = 0;
      let tornDown = 0;
      let notes = 0;
      let next = 0;

      async function cycle(index: number, at: number): Promise<void> {
        // Tear down about half of what is alive (the oldest first), then create as many anew.
        const ids = [...live.keys()];
        for (const id of ids.slice(0, Math.ceil(ids.length / 2))) {
          bank.teardownInstrument(id);
          live.delete(id);
          tornDown++;
        }
        while (live.size < 6) {
          const id = `i${next++}`;
          live.set(id, await bank.ensureInstrument(id, patchFor(index, next), { voices: 1 + (next % 4) }));
          created++;
        }
        for (const [k, instrument] of [...live.values()].entries()) {
          for (let n = 0; n < 4; n++) {
            const time = at + 0.05 + n * 0.45 + k * 0.01;
            const voice = instrument.noteOn({ time, frequency: 220 + 40 * k + 10 * n, volume: 40 });
            instrument.noteOff({ time: time + 0.3, voice });
            notes++;
          }
        }
        await Promise.all([...live.values()].map((i) => i.flush()));
        gc();
        const report = await bank.report();
        samples.push({
          cycle: index,
          memoryBytes: report.memoryBytes ?? 0,
          heapUsed: process.memoryUsage().heapUsed,
          workletCount: report.workletCount,
        });
      }

      let failure: unknown;
      const guard = (work: () => Promise<void>) => async () => {
        try {
          await work();
        } catch (error) {
          failure ??= error;
        }
        await context.resume();
      };
      for (let c = 0; c < CYCLES; c++) {
        const at = c * PERIOD;
        // The first round runs before the render starts; the others at a suspension.
        if (c > 0) void context.suspend(at).then(guard(() => cycle(c, at)));
      }
      const end = CYCLES * PERIOD;
      let final: Awaited<ReturnType<typeof bank.report>> | undefined;
      void context.suspend(end).then(
        guard(async () => {
          for (const id of live.keys()) bank.teardownInstrument(id);
          tornDown += live.size;
          live.clear();
        }),
      );
      // A little later the releases have reached the engines.
      void context.suspend(end + 0.5).then(
        guard(async () => {
          final = await bank.report();
        }),
      );
      await cycle(0, 0);
      const began = Date.now();
      const rendered = await context.startRendering();
      const wallSeconds = (Date.now() - began) / 1000;
      if (failure !== undefined) throw failure;

      let energy = 0;
      for (const x of rendered.getChannelData(0)) energy += x * x;
      // Freed sample memory is reused, so the high-water mark of the first half (where the
      // sample sizes and placements have all occurred) bounds the second half; a leak climbs.
      const half = Math.ceil(samples.length / 2);
      const settled = Math.max(...samples.slice(0, half).map((s) => s.memoryBytes));
      const last = samples.at(-1);
      const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
      console.log(
        `soak: ${SECONDS} s of audio in ${wallSeconds.toFixed(1)} s, ${CYCLES} rounds, ${created} instruments created, ` +
          `${tornDown} torn down, ${notes} notes; WASM memory ${mib(samples[0]?.memoryBytes ?? 0)} MiB after round 0, ` +
          `${mib(settled)} MiB max of the first half, ${mib(last?.memoryBytes ?? 0)} MiB at the last round ` +
          `(KiB per round: ${perRound(samples.map((s) => s.memoryBytes / 1024))}); JS heap after GC ` +
          `${mib(samples[1]?.heapUsed ?? 0)} MiB at round 1, ${mib(last?.heapUsed ?? 0)} MiB at the last round; ` +
          `worklets ${last?.workletCount}; at the end ${final?.allocatedVoices} voices allocated, ${final?.sounding} sounding`,
      );

      expect(energy, 'the soak made sound').toBeGreaterThan(1);
      expect(final).toMatchObject({ instruments: [], allocatedVoices: 0, sounding: 0 });
      // WASM memory only grows; once the first half has sized it, it must not grow further.
      for (const s of samples.slice(half)) {
        expect(s.memoryBytes, `WASM memory at round ${s.cycle}`).toBeLessThanOrEqual(settled);
      }
      expect(final?.memoryBytes).toBeLessThanOrEqual(settled);
      // The same work each round: the heap after a full GC may wobble but must not climb.
      const heapGrowth = (last?.heapUsed ?? 0) - (samples[1]?.heapUsed ?? 0);
      expect(heapGrowth, 'JS heap growth after GC, bytes').toBeLessThan(8 * 2 ** 20);
      // Nor does the pool keep adding worklets.
      const worklets = (part: typeof samples) => Math.max(...part.map((s) => s.workletCount));
      expect(worklets(samples.slice(half))).toBeLessThanOrEqual(worklets(samples.slice(0, half)));
      bank.dispose();
    },
    60_000 + SECONDS * 10_000,
  );
});
