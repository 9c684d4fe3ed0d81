// Protocol fuzzing against a real processor: random values and mutated messages reach a
// real AudioWorkletNode through its port; every message the protocol refuses gets an
// error reply with its id and code, and a healthy instrument in another slot renders
// bit for bit as it does without the fuzz.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeAudioWorkletNode, offlineContext, RATE, renderPending } from '../test/node-audio.js';
import { EngineNode } from './engine-node.js';
import { resolvePatch } from './patch.js';
import { type FromProcessor, type ValidationView, validateMessage } from './protocol.js';

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
    { type: 'note-on', id: 1, frame: 20, slot: 1, voice: 5, period: 428, pan: 0, offset: 0, velocity: 1 },
    { type: 'note-off', id: 1, frame: 30, slot: 1, voice: 5 },
    { type: 'set', id: 1, frame: 40, slot: 1, voice: 5, volume: 20, pan: 0.5 },
    { type: 'release', id: 1, frame: 50, slot: 3 },
    { type: 'ping', id: 1 },
    { type: 'report', id: 1 },
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

const fuzzArb = fc.oneof({ weight: 1, arbitrary: junk }, { weight: 4, arbitrary: mutated });

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
    for (const raw of fc.sample(fuzzArb, { numRuns: MESSAGES, seed: 6 })) {
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
      `protocol fuzz: ${MESSAGES} messages, ${expected.length} refused with an error reply, ${accepted} accepted (${capacity.length} of them loads refused for capacity), ${skipped} valid ones on the healthy slot not sent`,
    );
    expect(expected.length).toBeGreaterThan(MESSAGES / 2);
    expect(got).toEqual(expected);
    // The healthy slot is untouched: bit for bit its solo render, and still sounding at the end.
    expect(Math.max(...output.slice(-128).map(Math.abs))).toBeGreaterThan(0.1);
    let worst = 0;
    for (let i = 0; i < FRAMES; i++)
      worst = Math.max(worst, Math.abs((output[i] as number) - (reference[i] as number)));
    expect(worst).toBe(0);
  });
});
