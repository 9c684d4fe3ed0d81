// Ramps and tails keep the engine's two promises, for random event sequences with
// declicking on: where the processor splits a quantum changes nothing, and a voice plays
// the same into its slot wherever the voice sits and whatever other slots do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineExports } from '../src/engine-exports.js';
import { createEngine, loadSampler } from './engine.js';

const RATE = 48000;
const FRAMES = 1536;

type Op =
  | { readonly kind: 'on'; readonly hz: number; readonly volume: number; readonly offset: number }
  | { readonly kind: 'off' }
  | { readonly kind: 'volume'; readonly volume: number }
  | { readonly kind: 'pan'; readonly pan: number }
  | { readonly kind: 'offset'; readonly offset: number };

interface Timed {
  readonly frame: number;
  readonly op: Op;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('on' as const),
    hz: fc.double({ min: 2000, max: 90_000, noNaN: true }),
    volume: fc.integer({ min: 0, max: 64 }),
    offset: fc.integer({ min: 0, max: 900 }),
  }),
  fc.record({ kind: fc.constant('off' as const) }),
  fc.record({ kind: fc.constant('volume' as const), volume: fc.integer({ min: 0, max: 64 }) }),
  fc.record({ kind: fc.constant('pan' as const), pan: fc.double({ min: -1, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('offset' as const), offset: fc.integer({ min: 0, max: 1200 }) }),
);

const eventsArb = fc
  .array(fc.record({ frame: fc.integer({ min: 0, max: FRAMES - 1 }), op: opArb }), { maxLength: 14 })
  .map((events) => [...events].sort((a, b) => a.frame - b.frame));

/** A one-shot of 1000 frames (so ends and past-the-end offsets happen) and a looped sine. */
function loadRecords(e: EngineExports, first: number): void {
  loadSampler(
    e,
    first,
    Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 13) * 0.8 + 0.1),
    { baseFrequency: RATE },
  );
  loadSampler(
    e,
    first + 1,
    Int16Array.from({ length: 600 }, (_, i) => Math.round(Math.sin(i / 30) * 30000)),
    { loopStart: 0, loopLength: 600, baseFrequency: RATE },
  );
}

function apply(e: EngineExports, voice: number, slot: number, record: number, op: Op): void {
  if (op.kind === 'on') e.noteOn(voice, slot, record, 1, op.hz, op.volume, 0, op.offset, 1, 0);
  else if (op.kind === 'off') e.noteOff(voice);
  else if (op.kind === 'volume') e.setVolume(voice, op.volume);
  else if (op.kind === 'pan') e.setPan(voice, op.pan);
  else e.setOffset(voice, op.offset);
}

/** Renders slot `slot`'s two channels, applying `events` (each a function) at their frames and splitting also at `cuts`. */
function render(
  e: EngineExports,
  slot: number,
  events: readonly { frame: number; run: () => void }[],
  cuts: readonly number[],
): Float32Array {
  const out = new Float32Array(FRAMES * 2);
  const queue = [...events];
  for (let base = 0; base < FRAMES; base += 128) {
    e.beginQuantum();
    const stops = [...new Set([...cuts.filter((c) => c > 0 && c < 128), 128])].sort((a, b) => a - b);
    let pos = 0;
    for (const stop of stops) {
      while (queue.length > 0 && (queue[0]?.frame as number) < base + stop) {
        const event = queue.shift() as { frame: number; run: () => void };
        const at = event.frame - base;
        if (at > pos) {
          e.render(pos, at);
          pos = at;
        }
        event.run();
      }
      if (stop > pos) {
        e.render(pos, stop);
        pos = stop;
      }
    }
    const p = e.outputPtr(slot);
    out.set(new Float32Array(e.memory.buffer, p, 128), base);
    out.set(new Float32Array(e.memory.buffer, p + 512, 128), FRAMES + base);
  }
  return out;
}

describe('declicking keeps the engine exact', () => {
  it('a voice renders the same wherever quanta are split, wherever it sits and whatever other slots do', () => {
    fc.assert(
      fc.property(
        eventsArb,
        fc.array(fc.integer({ min: 1, max: 127 }), { maxLength: 4 }),
        eventsArb,
        fc.boolean(),
        (events, cuts, others, looped) => {
          const record = looped ? 1 : 0;
          const alone = createEngine(4, 1, RATE, false, true);
          loadRecords(alone, 0);
          const a = render(
            alone,
            0,
            events.map((t: Timed) => ({ frame: t.frame, run: () => apply(alone, 0, 0, record, t.op) })),
            [],
          );
          // The same voice as engine voice 5 in slot 2 of a busier engine, split at other frames.
          const busy = createEngine(8, 3, RATE, false, true);
          loadRecords(busy, 4);
          loadRecords(busy, 0);
          const mixed = [
            ...events.map((t: Timed) => ({ frame: t.frame, run: () => apply(busy, 5, 2, 4 + record, t.op) })),
            ...others.map((t: Timed) => ({ frame: t.frame, run: () => apply(busy, 1, 0, 1, t.op) })),
          ].sort((x, y) => x.frame - y.frame);
          const b = render(busy, 2, mixed, cuts);
          // Compared element by element: a failing toEqual on arrays this long is slow to shrink.
          const first = a.findIndex((x, i) => x !== b[i]);
          expect(first === -1 ? 'equal' : `first difference at ${first}: ${a[first]} vs ${b[first]}`).toBe(
            'equal',
          );
        },
      ),
    );
  });
});
