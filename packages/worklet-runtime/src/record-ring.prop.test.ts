// Laws of the two pieces both threads rely on: the ring hands records over in order and
// never overruns, and every well-formed event survives encoding as a record the
// processor accepts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EventMessage,
  encodeCommands,
  RECORD_SIZE,
  type ValidationView,
  validateRecord,
} from './protocol.js';
import { RecordRing } from './record-ring.js';

describe('RecordRing', () => {
  it('hands records to the reader in the order written, never more than its capacity', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 5 }), { maxLength: 200 }), (steps) => {
        const ring = new RecordRing(new ArrayBuffer(RecordRing.byteLength(8, 2)), 0, 8, 2);
        const model: number[] = [];
        let next = 0;
        for (const step of steps) {
          if (step > 0) {
            // Write up to `step` records, as many as fit.
            const n = Math.min(step, ring.free());
            expect(ring.free()).toBe(8 - model.length);
            for (let k = 0; k < n; k++) {
              const at = ring.writeOffset(k);
              ring.data[at] = next;
              ring.data[at + 1] = -next;
              model.push(next++);
            }
            ring.commit(n);
          } else {
            const n = Math.min(-step, ring.available());
            expect(ring.available()).toBe(model.length);
            for (let k = 0; k < n; k++) {
              const at = ring.readOffset(k);
              const want = model[k] as number;
              expect([ring.data[at], ring.data[at + 1]]).toEqual([want, -want]);
            }
            ring.consume(n);
            model.splice(0, n);
          }
        }
      }),
    );
  });
});

const view: ValidationView = {
  voices: 16,
  slots: 4,
  slotCount: () => 4,
  slotStart: (s) => s * 4,
  slotLoaded: () => true,
};

const event: fc.Arbitrary<EventMessage> = fc
  .record({
    kind: fc.constantFrom('note-on', 'note-off', 'set'),
    id: fc.nat(),
    frame: fc.nat({ max: 2 ** 40 }),
    slot: fc.nat(3),
    local: fc.nat(3),
    pitch: fc.option(
      fc.oneof(
        fc.record({ period: fc.double({ min: 1, max: 1e6, noNaN: true }) }),
        fc.record({ frequency: fc.double({ min: 1e-3, max: 1e6, noNaN: true }) }),
      ),
      { nil: undefined },
    ),
    volume: fc.option(fc.double({ min: 0, max: 64, noNaN: true }), { nil: undefined }),
    pan: fc.double({ min: -1, max: 1, noNaN: true }),
    offset: fc.nat(2 ** 28),
    velocity: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((e): EventMessage => {
    const base = { id: e.id, frame: e.frame, slot: e.slot, voice: e.slot * 4 + e.local };
    if (e.kind === 'note-off') return { type: 'note-off', ...base };
    const volume = e.volume === undefined ? {} : { volume: e.volume };
    if (e.kind === 'set') return { type: 'set', ...base, ...(e.pitch ?? {}), ...volume, pan: e.pan };
    return {
      type: 'note-on',
      ...base,
      ...(e.pitch ?? { period: 428 }),
      ...volume,
      pan: e.pan,
      offset: e.offset,
      velocity: e.velocity,
    };
  });

describe('command records', () => {
  it('every well-formed event survives encoding and is accepted where it lies', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 8 }), (events) => {
        const batch = encodeCommands(1, events);
        expect(batch.count).toBe(events.length);
        events.forEach((e, i) => {
          const at = i * RECORD_SIZE;
          expect(validateRecord(batch.records, at, view)).toEqual({ ok: true });
          expect([batch.records[at + 1], batch.records[at + 2], batch.records[at + 4]]).toEqual([
            e.id,
            e.frame,
            e.type === 'mix' ? 0 : e.voice,
          ]);
        });
      }),
    );
  });
});
