// Properties of the frame-ordered command queue: commands come out in frame order (ties
// in arrival order) however they were pushed, cancelling drops exactly what it should,
// and a queue that may not grow (the render path) refuses rather than loses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandQueue, Op } from './command-queue.js';

describe('CommandQueue', () => {
  it('yields commands in frame order, equal frames in arrival order, never exceeding capacity', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ frame: fc.integer({ min: 0, max: 50 }), pop: fc.boolean() }), {
          maxLength: 200,
        }),
        (steps) => {
          const q = new CommandQueue(16);
          const model: { frame: number; seq: number }[] = [];
          let seq = 0;
          for (const step of steps) {
            if (step.pop && model.length > 0) {
              model.sort((a, b) => a.frame - b.frame || a.seq - b.seq);
              const head = model.shift();
              expect(q.peekFrame()).toBe(head?.frame);
              expect(q.param(0)).toBe(head?.seq);
              q.shift();
            } else {
              const ok = q.push(true, step.frame, Op.NoteOn, 0, 0, 0, seq);
              expect(ok).toBe(model.length < 16);
              if (ok) model.push({ frame: step.frame, seq });
              seq++;
            }
            expect(q.length).toBe(model.length);
          }
        },
      ),
    );
  });

  it('dropFrom removes exactly the later commands of one slot and reports each', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ frame: fc.integer({ min: 0, max: 20 }), slot: fc.integer({ min: 0, max: 3 }) }),
          {
            maxLength: 30,
          },
        ),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: -1, max: 3 }),
        (items, from, slot) => {
          const q = new CommandQueue(64);
          items.forEach((it, i) => {
            q.push(true, it.frame, Op.Commit, it.slot, 0, 0, i);
          });
          const dropped: number[] = [];
          q.dropFrom(from, slot, (op, p0) => {
            expect(op).toBe(Op.Commit);
            dropped.push(p0);
          });
          const isDropped = (it: { frame: number; slot: number }) =>
            it.frame >= from && (slot === -1 || it.slot === slot);
          expect(dropped.sort((a, b) => a - b)).toEqual(items.flatMap((it, i) => (isDropped(it) ? [i] : [])));
          const kept: number[] = [];
          while (q.length > 0) {
            kept.push(q.param(0));
            q.shift();
          }
          expect(kept.sort((a, b) => a - b)).toEqual(items.flatMap((it, i) => (isDropped(it) ? [] : [i])));
        },
      ),
    );
  });
});

describe('CommandQueue on the render path', () => {
  it('a push that may not grow refuses when full and keeps what it holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const q = new CommandQueue(8, 64);
        let accepted = 0;
        for (let i = 0; i < n; i++) if (q.push(false, i, Op.NoteOn, 0, 0, 0, i)) accepted++;
        expect(accepted).toBe(Math.min(n, 8));
        expect(q.capacity).toBe(8);
        expect(q.length).toBe(Math.min(n, 8));
        expect(q.param(0)).toBe(0);
        // The message handler may still grow it.
        expect(q.push(true, 99, Op.NoteOn, 0, 0, 0, 99)).toBe(true);
        expect(q.capacity).toBe(n >= 8 ? 16 : 8);
      }),
    );
  });
});
