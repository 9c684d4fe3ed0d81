// Protocol fuzzing against a real processor: random values, mutated control messages and
// batches of mutated command records reach a real AudioWorkletNode through its port, as
// the processor receives them; every message and record the protocol refuses gets an
// error reply with its id and code, and a healthy instrument in another slot renders bit
// for bit as it does without the fuzz.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeAudioWorkletNode, offlineContext, RATE, renderPending } from '../test/node-audio.js';
import { EngineNode } from './engine-node.js';
import { resolvePatch } from './patch.js';
import {
  type EventMessage,
  encodeCommands,
  type FromProcessor,
  RECORD_SIZE,
  type ValidationView,
  validateMessage,
  validateRecord,
} from './protocol.js';

afterEach(renderPending);

const SLOTS = 4;
const VOICES = 16;
const FRAMES = Math.round(0.2 * RATE);
const MESSAGES = 600;

/** What the validator sees, kept in step with the processor by applying accepted messages. */
class Mirror implements ValidationView {
  readonly voices = VOICES;
  readonly slots = SLOTS;
  readonly starts = new Array<number>(SLOTS).fill(0);
  readonly counts = new Array<number>(SLOTS).fill(0);
  readonly loaded = new Array<boolean>(SLOTS).fill(false);
  slotCount(slot: number): number {
    return this.counts[slot] ?? 0;
  }
  slotStart(slot: number): number {
    return this.starts[slot] ?? 0;
  }
  slotLoaded(slot: number): boolean {
    return this.loaded[slot] ?? false;
  }
}

function healthyPatch() {
  return resolvePatch(
    {
      kind: 'sampler',
      data: Int8Array.from({ length: 1000 }, (_, i) => Math.round(Math.sin(i / 8) * 90)),
      loopStart: 0,
      loopLength: 1000,
    },
    'fuzz',
  );
}

async function engineWithHealthySlot(
  context: BaseAudioContext,
  errors: FromProcessor[],
): Promise<EngineNode> {
  const engine = await EngineNode.create(context, {
    voices: VOICES,
    slots: SLOTS,
    AudioWorkletNode: NodeAudioWorkletNode,
    // Refusals are collected from the port below.
    onError: () => undefined,
  });
  // Slot 0 alone is heard: the fuzz may make the other slots sound, but not this one change.
  engine.node.connect(context.destination, 0);
  engine.node.port.addEventListener('message', (event: MessageEvent<FromProcessor>) => {
    if (event.data.type === 'error') errors.push(event.data);
  });
  const patch = healthyPatch();
  await engine.request({ type: 'assign', frame: 0, slot: 0, start: 0, count: 4 });
  await engine.request(
    { type: 'load', frame: 0, slot: 0, patch },
    patch.kind === 'sampler' ? [patch.data] : [],
  );
  engine.post({
    type: 'note-on',
    frame: 0,
    slot: 0,
    voice: 1,
    period: 300,
    pan: -0.3,
    offset: 0,
    velocity: 1,
  });
  return engine;
}

/** Valid voice events on the fuzzed slots, the seeds of the record mutations. */
function eventSeeds(): EventMessage[] {
  return [
    { type: 'note-on', id: 1, frame: 20, slot: 1, voice: 5, period: 428, pan: 0, offset: 0, velocity: 1 },
    {
      type: 'note-on',
      id: 1,
      frame: 25,
      slot: 2,
      voice: 9,
      frequency: 220,
      volume: 30,
      pan: 0.5,
      offset: 0,
      velocity: 0.7,
    },
    { type: 'note-off', id: 1, frame: 30, slot: 1, voice: 5 },
    { type: 'set', id: 1, frame: 40, slot: 1, voice: 5, volume: 20, pan: 0.5 },
    { type: 'set', id: 1, frame: 45, slot: 2, voice: 9, period: 300, offset: 12 },
  ];
}

/** Valid messages on the fuzzed slots (1..3), the seeds of the mutations. */
function seeds(): Record<string, unknown>[] {
  const data = new Int16Array(64).fill(1000).buffer;
  return [
    { type: 'assign', id: 1, frame: 10, slot: 1, start: 4, count: 4 },
    {
      type: 'load',
      id: 1,
      frame: 10,
      slot: 1,
      patch: {
        kind: 'sampler',
        format: 'int16',
        frames: 64,
        data,
        loopStart: 0,
        loopLength: 64,
        volume: 64,
        finetune: 0,
        baseFrequency: 8363,
        interpolation: 'linear',
      },
    },
    {
      type: 'load',
      id: 1,
      frame: 10,
      slot: 2,
      patch: {
        kind: 'synth',
        waveform: 'saw',
        attack: 0,
        decay: 0.1,
        sustain: 0.5,
        release: 0.1,
        cutoff: 1000,
        resonance: 0,
        volume: 40,
      },
    },
    { type: 'release', id: 1, frame: 50, slot: 3 },
    { type: 'ping', id: 1 },
    { type: 'report', id: 1 },
    { type: 'ended', id: 1 },
  ];
}

const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.double(),
  fc.integer({ min: -20, max: 40 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 2 ** 53, '', 'sampler', 'reset', null),
);

type Mutation = {
  readonly key: string;
  readonly nested: boolean;
  readonly drop: boolean;
  readonly value: unknown;
};

const mutated = fc
  .record({
    seed: fc.nat(seeds().length - 1),
    mutations: fc.array(
      fc.record({
        key: fc.constantFrom(
          'type',
          'id',
          'frame',
          'slot',
          'start',
          'count',
          'voice',
          'period',
          'frequency',
          'volume',
          'pan',
          'offset',
          'velocity',
          'patch',
          'kind',
          'format',
          'frames',
          'data',
          'loopStart',
          'loopLength',
          'waveform',
          'cutoff',
        ),
        nested: fc.boolean(),
        drop: fc.boolean(),
        value: junk,
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ seed, mutations }) => {
    const message: Record<string, unknown> = { ...(seeds()[seed] as Record<string, unknown>) };
    for (const m of mutations as Mutation[]) {
      let record = message;
      if (m.nested && typeof message.patch === 'object' && message.patch !== null) {
        record = { ...(message.patch as Record<string, unknown>) };
        message.patch = record;
      }
      if (m.drop) delete record[m.key];
      else record[m.key] = m.value;
    }
    return message as unknown;
  });

/** Values a record field may hold: anything a Float64Array can. */
const numeric = fc.oneof(
  fc.double(),
  fc.integer({ min: -20, max: 40 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 0.5, 2 ** 53, 1e7),
);

/** A batch of 1..4 records, each a seed event with up to three fields overwritten. */
const batch = fc
  .array(
    fc.record({
      seed: fc.nat(eventSeeds().length - 1),
      mutations: fc.array(fc.record({ field: fc.nat(RECORD_SIZE - 2), value: numeric }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((records) => ({ kind: 'batch' as const, records }));

/** A batch whose envelope itself is wrong. */
const badEnvelope = fc
  .record({
    count: fc.integer({ min: -1, max: 3 }),
    records: fc.oneof(junk, fc.constant(new Float64Array(12))),
  })
  .map((m) => ({ type: 'commands', id: 1, ...m }) as unknown);

const fuzzArb = fc.oneof(
  { weight: 1, arbitrary: junk },
  { weight: 4, arbitrary: mutated },
  { weight: 4, arbitrary: batch },
  { weight: 1, arbitrary: badEnvelope },
);

type Batch = { kind: 'batch'; records: { seed: number; mutations: { field: number; value: number }[] }[] };

function isBatch(value: unknown): value is Batch {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'batch';
}

/** Whether an accepted message would touch the healthy slot 0 (those are not sent). */
function touchesHealthySlot(message: unknown): boolean {
  const m = message as { type: string; slot?: number };
  return m.type === 'reset' || m.slot === 0;
}

function apply(mirror: Mirror, message: unknown): void {
  const m = message as { type: string; slot: number; start: number; count: number };
  if (m.type === 'assign') {
    mirror.starts[m.slot] = m.start;
    mirror.counts[m.slot] = m.count;
  } else if (m.type === 'load') {
    mirror.loaded[m.slot] = true;
  } else if (m.type === 'release') {
    mirror.counts[m.slot] = 0;
    mirror.loaded[m.slot] = false;
  }
}

describe('the processor under protocol fuzzing (node-web-audio-api)', () => {
  it('answers every refused message with an error and keeps a healthy slot rendering unchanged', async () => {
    // The reference: the healthy slot alone, no fuzz.
    const clean = offlineContext(FRAMES);
    const cleanEngine = await engineWithHealthySlot(clean, []);
    await cleanEngine.flush();
    const reference = (await clean.startRendering()).getChannelData(0).slice();

    const context = offlineContext(FRAMES);
    const errors: FromProcessor[] = [];
    const engine = await engineWithHealthySlot(context, errors);
    await engine.flush();
    errors.length = 0;
    const mirror = new Mirror();
    mirror.counts[0] = 4;
    mirror.loaded[0] = true;
    const expected: { id: number | null; code: string }[] = [];
    const capacity: { id: number | null; code: string }[] = [];
    let accepted = 0;
    let skipped = 0;
    let nextId = 1_000_000;
    let records = 0;
    for (const raw of fc.sample(fuzzArb, { numRuns: MESSAGES, seed: 6 })) {
      if (isBatch(raw)) {
        // Each record gets a unique id, is encoded, then mutated field by field as it will
        // arrive; accepted records on the healthy slot are left out.
        const id = nextId++;
        const kept: Float64Array[] = [];
        for (const r of raw.records) {
          const seed = eventSeeds()[r.seed] as EventMessage;
          const one = encodeCommands(0, [{ ...seed, id: nextId++ }]).records;
          // Field 0 (op) and 1 (id) are mutated too; field 11 (after) means nothing on the port.
          for (const m of r.mutations) one[m.field] = m.value;
          const verdict = validateRecord(one, 0, mirror);
          if (verdict.ok) {
            if (one[3] === 0) {
              skipped++;
              continue;
            }
            accepted++;
          } else expected.push({ id: verdict.id, code: verdict.code });
          kept.push(one);
        }
        if (kept.length === 0) continue;
        const all = new Float64Array(kept.length * RECORD_SIZE);
        kept.forEach((one, i) => {
          all.set(one, i * RECORD_SIZE);
        });
        records += kept.length;
        engine.postRaw({ type: 'commands', id, records: all, count: kept.length }, [all.buffer]);
        continue;
      }
      // Unique ids, except where the mutation made the id itself the problem.
      const message =
        typeof raw === 'object' &&
        raw !== null &&
        typeof (raw as { id?: unknown }).id === 'number' &&
        (raw as { id: number }).id === 1
          ? { ...(raw as object), id: nextId++ }
          : raw;
      const verdict = validateMessage(message, mirror);
      if (verdict.ok) {
        if (touchesHealthySlot(verdict.message)) {
          skipped++;
          continue;
        }
        accepted++;
        const m = verdict.message;
        if (m.type === 'commands') {
          // A well-formed envelope: each of its records is judged on its own.
          for (let i = 0; i < m.count; i++) {
            const r = validateRecord(m.records, i * RECORD_SIZE, mirror);
            if (!r.ok) expected.push({ id: r.id, code: r.code });
          }
        }
        engine.postRaw(message);
        if (verdict.message.type === 'load') {
          // A load may still be refused for capacity (QUEUE_FULL: every patch record is
          // taken by loads waiting for their frame); learn the answer before predicting on.
          await engine.flush();
          const refused = errors.find((e) => e.type === 'error' && e.id === verdict.message.id);
          if (refused?.type === 'error') {
            expect(refused.code).toBe('QUEUE_FULL');
            capacity.push({ id: refused.id, code: refused.code });
            continue;
          }
        }
        apply(mirror, verdict.message);
        continue;
      }
      expected.push({ id: verdict.id, code: verdict.code });
      engine.postRaw(message);
    }
    // After the fuzz the processor still answers requests.
    expect((await engine.report()).type).toBe('report');
    const output = (await context.startRendering()).getChannelData(0);
    // Replies posted during the render's last quantum may still be in flight.
    await new Promise((resolve) => setTimeout(resolve, 50));

    const full = new Set(capacity.map((e) => e.id));
    const got = errors
      .map((e) => (e.type === 'error' ? { id: e.id, code: e.code } : null))
      .filter((e) => e === null || !full.has(e.id));
    console.log(
      `protocol fuzz: ${MESSAGES} messages and batches (${records} records in batches), ${expected.length} refused with an error reply, ${accepted} accepted (${capacity.length} of them loads refused for capacity), ${skipped} valid ones on the healthy slot not sent`,
    );
    expect(expected.length).toBeGreaterThan(MESSAGES / 2);
    expect(records).toBeGreaterThan(MESSAGES / 2);
    expect(got).toEqual(expected);
    // The healthy slot is untouched: bit for bit its solo render, and still sounding at the end.
    expect(Math.max(...output.slice(-128).map(Math.abs))).toBeGreaterThan(0.1);
    let worst = 0;
    for (let i = 0; i < FRAMES; i++)
      worst = Math.max(worst, Math.abs((output[i] as number) - (reference[i] as number)));
    expect(worst).toBe(0);
  });
});
