// ensureInstrument / teardownInstrument / resetForNewSong / dispose interleaved in the
// orders a fast-check scheduler picks, against a real bank on real AudioWorkletNodes,
// with the audio thread's replies delivered in scheduler order too.

import { appendFileSync } from 'node:fs';
import type { Instrument, InstrumentPatch } from '@workletpool/worklet-runtime';
import fc from 'fast-check';
import { OfflineAudioContext } from 'node-web-audio-api';
import { describe, expect, it } from 'vitest';
import { type ReplyTracker, scheduledAudioWorkletNode } from '../test/scheduled-node.js';
import { energy } from '../test/signal.js';
import { createSongBank } from './song-bank.js';

const RATE = 44_100;
const IDS = ['a', 'b', 'c', 'd'] as const;

const PATCHES: readonly InstrumentPatch[] = [
  {
    kind: 'synth',
    waveform: 'square',
    attack: 0,
    decay: 0,
    sustain: 1,
    release: 0,
    cutoff: 8000,
    resonance: 0,
  },
  {
    kind: 'sampler',
    data: Int8Array.from({ length: 400 }, (_, i) => Math.round(Math.sin(i / 5) * 100)),
    loopStart: 0,
    loopLength: 400,
  },
  {
    kind: 'synth',
    waveform: 'saw',
    attack: 0,
    decay: 0,
    sustain: 1,
    release: 0,
    cutoff: 5000,
    resonance: 0.2,
  },
];

type Op =
  | { readonly kind: 'ensure'; readonly id: number; readonly patch: number; readonly voices: number }
  | { readonly kind: 'teardown'; readonly id: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'dispose' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('ensure' as const),
      id: fc.nat(3),
      patch: fc.nat(2),
      voices: fc.integer({ min: 1, max: 6 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('teardown' as const), id: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'dispose' as const }) },
);

interface Issued {
  readonly seq: number;
  readonly op: Op;
  outcome?: { ok: true; instrument: Instrument } | { ok: false; error: unknown };
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** Releases scheduled tasks one at a time, each once the audio thread's replies have arrived, until `done`. */
async function drive(
  s: fc.Scheduler,
  tracker: ReplyTracker,
  done: () => boolean,
  what: () => string,
): Promise<void> {
  let idleSince = Date.now();
  for (;;) {
    await tracker.quiet();
    // A macrotask lets delivered replies' continuations (and their next replies) be scheduled.
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (s.count() > 0) {
      await s.waitOne();
      idleSince = Date.now();
      continue;
    }
    if (done() && tracker.outstanding() === 0) return;
    if (Date.now() - idleSince > 20_000) throw new Error(`never settled: ${what()}`);
  }
}

describe('SongBank under interleaved calls (fast-check scheduler, real worklets)', () => {
  it('never leaks a voice, never creates a worklet the core did not decide on, never installs a stale instrument', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(opArb, { minLength: 1, maxLength: 12 }), async (s, ops) => {
        runs++;
        const began = Date.now();
        const trace = (what: string) => {
          if (process.env.RACE_TRACE)
            appendFileSync(process.env.RACE_TRACE, `  ${runs} ${Date.now() - began} ms: ${what}\n`);
        };
        trace(`start ${JSON.stringify(ops)}`);
        const context = new OfflineAudioContext({
          numberOfChannels: IDS.length,
          length: Math.ceil(0.03 * RATE),
          sampleRate: RATE,
        });
        const { AudioWorkletNode, tracker } = scheduledAudioWorkletNode(s);
        const bank = await createSongBank(context as unknown as BaseAudioContext, {
          AudioWorkletNode,
          strategy: 'best-fit',
          voicesPerWorklet: 8,
          maxWorklets: 3,
        });
        trace('bank created');
        const issued: Issued[] = [];
        const running: Promise<unknown>[] = [];
        let seq = 0;
        let rendered = false;
        const render = () => {
          rendered = true;
          return context.startRendering();
        };
        try {
          for (const op of ops) {
            running.push(
              s.schedule(Promise.resolve(), `${op.kind}`).then(() => {
                const entry: Issued = { seq: seq++, op };
                issued.push(entry);
                try {
                  if (op.kind === 'ensure') {
                    const promise = bank.ensureInstrument(
                      IDS[op.id] as string,
                      PATCHES[op.patch] as InstrumentPatch,
                      {
                        voices: op.voices,
                      },
                    );
                    return promise.then(
                      (instrument) => {
                        entry.outcome = { ok: true, instrument };
                      },
                      (error: unknown) => {
                        entry.outcome = { ok: false, error };
                      },
                    );
                  }
                  if (op.kind === 'teardown') bank.teardownInstrument(IDS[op.id] as string);
                  else if (op.kind === 'reset') bank.resetForNewSong();
                  else bank.dispose();
                } catch (error) {
                  entry.outcome = { ok: false, error };
                }
                return undefined;
              }),
            );
          }
          // Drive to quiescence: let every reply in the air arrive, then let the
          // scheduler release one task (a call or a reply), until every call settled.
          let settled = false;
          void Promise.all(running).then(() => {
            settled = true;
          });
          await drive(
            s,
            tracker,
            () => settled,
            () => JSON.stringify(issued.filter((e) => e.outcome === undefined)),
          );
          trace('settled');
          const disposedAt = issued.find((e) => e.op.kind === 'dispose')?.seq ?? Number.POSITIVE_INFINITY;
          for (const entry of issued) {
            // A second dispose is a no-op; every other call after dispose fails.
            if (entry.seq > disposedAt && entry.op.kind !== 'dispose') {
              expect(entry.outcome?.ok, `${entry.op.kind} after dispose`).toBe(false);
              expect(codeOf(entry.outcome?.ok === false ? entry.outcome.error : undefined)).toBe('DISPOSED');
            } else if (entry.outcome?.ok === false) {
              // Only the errors a race may cause (or the pool's honest limit).
              expect(['STALE_REQUEST', 'DISPOSED', 'POOL_EXHAUSTED']).toContain(codeOf(entry.outcome.error));
            }
          }
          const stats = bank.getStats();
          expect(stats.nodesCreated, 'nodes created = worklets the core added').toBe(stats.workletCount);
          if (disposedAt !== Number.POSITIVE_INFINITY) {
            expect(stats.instruments).toEqual([]);
            expect(stats.allocatedVoices).toBe(0);
            for (const entry of issued) {
              if (entry.outcome?.ok)
                expect(() => entry.outcome?.ok && entry.outcome.instrument.noteOff({ time: 0 })).toThrow();
            }
            await render();
            return;
          }

          // The instrument each id must hold: the last successful ensure issued after the
          // last reset and the last teardown of that id; every other resolved one is dead.
          const installed = new Map<string, Instrument>();
          for (const [index, id] of IDS.entries()) {
            const barrier = Math.max(
              -1,
              ...issued
                .filter((e) => e.op.kind === 'reset' || (e.op.kind === 'teardown' && e.op.id === index))
                .map((e) => e.seq),
            );
            const won = issued
              .filter((e) => e.op.kind === 'ensure' && e.op.id === index && e.seq > barrier && e.outcome?.ok)
              .at(-1);
            const current = bank.instrument(id);
            const expected = won?.outcome?.ok ? won.outcome.instrument : undefined;
            expect(current, `instrument ${id}`).toBe(expected);
            if (current !== undefined) installed.set(id, current);
          }
          const live = new Set(installed.values());
          for (const entry of issued) {
            if (entry.outcome?.ok && !live.has(entry.outcome.instrument)) {
              expect(
                () => entry.outcome?.ok && entry.outcome.instrument.noteOff({ time: 0 }),
                'a replaced instrument is dead',
              ).toThrow();
            }
          }
          // Pool allocations are exactly the live instruments' voices.
          expect(stats.instruments.map((i) => i.id).sort()).toEqual([...installed.keys()].sort());
          for (const i of stats.instruments) expect(i.worklet, `${i.id} has a range`).toBeDefined();
          expect(stats.allocatedVoices).toBe([...installed.values()].reduce((n, i) => n + i.voices, 0));

          // Every live instrument still sounds: no stale load or release hit its slot.
          const merger = context.createChannelMerger(IDS.length);
          merger.channelInterpretation = 'discrete';
          context.destination.channelInterpretation = 'discrete';
          merger.connect(context.destination);
          for (const [index, id] of IDS.entries()) {
            const instrument = installed.get(id);
            if (instrument === undefined) continue;
            instrument.output.connect(merger, 0, index);
            instrument.noteOn({ time: 0, frequency: 440 + 110 * index, volume: 64 });
          }
          let flushed = false;
          void Promise.all([...installed.values()].map((i) => i.flush())).then(() => {
            flushed = true;
          });
          trace('flushing');
          await drive(
            s,
            tracker,
            () => flushed,
            () => 'flush',
          );
          trace('rendering');
          const output = await render();
          for (const [index, id] of IDS.entries()) {
            const e = energy(output.getChannelData(index));
            if (installed.has(id)) expect(e, `instrument ${id} sounds`).toBeGreaterThan(1e-3);
          }
          bank.dispose();
        } finally {
          // Render the context even when an assertion failed, so later renders stay fast.
          if (!rendered) await render().catch(() => undefined);
          if (process.env.RACE_TRACE) {
            appendFileSync(
              process.env.RACE_TRACE,
              `run ${runs}: ${ops.length} calls, ${Date.now() - began} ms\n`,
            );
          }
        }
      }),
    );
    console.log(`song bank race property: ${runs} interleavings checked`);
    // Each run builds a context, a bank and its worklets; a loaded machine needs minutes.
  }, 900_000);
});
