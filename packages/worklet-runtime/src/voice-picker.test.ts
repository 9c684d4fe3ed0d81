// Voice choice inside one instrument's range: round-robin first, then release-aware
// stealing.
import { describe, expect, it } from 'vitest';
import { VoicePicker } from './voice-picker.js';

describe('VoicePicker', () => {
  it('goes round-robin over unused voices', () => {
    const p = new VoicePicker(4);
    const picks: number[] = [];
    for (let t = 0; t < 4; t++) {
      const v = p.pick(t);
      picks.push(v);
      p.started(v, t);
    }
    expect(picks).toEqual([0, 1, 2, 3]);
  });

  it('steals the voice released longest ago first', () => {
    const p = new VoicePicker(3);
    for (let v = 0; v < 3; v++) p.started(v, v);
    p.released(2, 5);
    p.released(1, 6);
    expect(p.pick(10)).toBe(2);
    // A release scheduled after the note's time does not count yet.
    expect(p.pick(5.5)).toBe(2);
    expect(p.pick(4)).toBe(0);
  });

  it('then steals the voice playing longest', () => {
    const p = new VoicePicker(3);
    p.started(0, 3);
    p.started(1, 1);
    p.started(2, 2);
    expect(p.pick(10)).toBe(1);
  });

  it('treats a one-shot as released at its end', () => {
    const p = new VoicePicker(2);
    p.started(0, 0, 1);
    p.started(1, 0.5);
    expect(p.pick(2)).toBe(0);
    expect(p.pick(0.9)).toBe(0); // both playing: the oldest one
  });
});
