// The period maths the sequencer and the player share: tables, tunings and note lookup.
import { describe, expect, it } from 'vitest';
import {
  MAX_PT_NOTE,
  MIN_PT_NOTE,
  notePeriod,
  periodToNote,
  periodToRate,
  protrackerPeriods,
} from './periods.js';

describe('periods', () => {
  it('places C-1, C-2 and B-3 where ProTracker has them', () => {
    expect(notePeriod(MIN_PT_NOTE, 0)).toBe(856);
    expect(notePeriod(60, 0)).toBe(428);
    expect(notePeriod(MAX_PT_NOTE, 0, 'protracker')).toBe(113);
    expect(notePeriod(MAX_PT_NOTE, 0)).toBeCloseTo(113.36, 2);
  });

  it('reads every finetune row of the ProTracker table, 0..7 and -8..-1', () => {
    expect(notePeriod(60, 1, 'protracker')).toBe(425);
    expect(notePeriod(60, 7, 'protracker')).toBe(407);
    expect(notePeriod(60, -8, 'protracker')).toBe(453);
    expect(notePeriod(60, -1, 'protracker')).toBe(431);
    expect(notePeriod(53, -7, 'protracker')).toBe(675);
  });

  it('keeps equal temperament within 1.41 periods of the ProTracker table', () => {
    let worst = 0;
    for (let fine = -8; fine <= 7; fine++) {
      const row = protrackerPeriods(fine);
      expect(row).toHaveLength(36);
      row.forEach((p, i) => {
        worst = Math.max(worst, Math.abs(p - notePeriod(MIN_PT_NOTE + i, fine)));
      });
    }
    expect(worst).toBeGreaterThan(1);
    expect(worst).toBeLessThan(1.41);
  });

  it('finds the note of every table period, whatever its finetune', () => {
    for (let fine = -8; fine <= 7; fine++) {
      protrackerPeriods(fine).forEach((p, i) => {
        // A finetune moves a period by at most half a semitone, so it rounds to its own note
        // or (at +-4..8 eighths) to a neighbour; finetune 0 always finds its own.
        expect(Math.abs(periodToNote(p) - (MIN_PT_NOTE + i))).toBeLessThanOrEqual(1);
        if (fine === 0) expect(periodToNote(p)).toBe(MIN_PT_NOTE + i);
      });
    }
    expect(periodToNote(0)).toBe(-1);
  });

  it('turns a period into the PAL playback rate', () => {
    expect(periodToRate(428)).toBeCloseTo(8287.14, 1);
  });
});
