// The synthesized instruments of the default song: their shape, loops and levels.
import { describe, expect, it } from 'vitest';
import { periodToRate as rateAtPeriod } from './periods.js';
import type { Sample } from './song.js';
import { bass, bell, hiHat, kick, lead, pad, pluck, snare, synthInstruments } from './synth-samples.js';

const MIDDLE_C = 261.6256;
const cents = (f: number, reference: number) => 1200 * Math.log2(f / reference);

/** Magnitude of the DFT of `data[from..from+n)` at `cycles` cycles per n frames. */
function magnitude(data: Int8Array, from: number, n: number, cycles: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const angle = (2 * Math.PI * cycles * i) / n;
    re += data[from + i]! * Math.cos(angle);
    im -= data[from + i]! * Math.sin(angle);
  }
  return Math.hypot(re, im);
}

/** The strongest whole-cycle component of the loop. */
function loopFundamental(sample: Sample): number {
  let best = 0;
  let bestCycles = 0;
  for (let k = 1; k < sample.loopLength / 2; k++) {
    const m = magnitude(sample.data, sample.loopStart, sample.loopLength, k);
    if (m > best) {
      best = m;
      bestCycles = k;
    }
  }
  return bestCycles;
}

/** The strongest frequency in Hz between lo and hi over a window, for a sample played at `period`. */
function peakFrequency(
  sample: Sample,
  period: number,
  from: number,
  n: number,
  lo: number,
  hi: number,
): number {
  const rate = rateAtPeriod(period);
  let best = 0;
  let bestHz = 0;
  for (let hz = lo; hz <= hi; hz += 0.5) {
    const m = magnitude(sample.data, from, n, (hz * n) / rate);
    if (m > best) {
      best = m;
      bestHz = hz;
    }
  }
  return bestHz;
}

const rms = (data: Int8Array, from: number, to: number) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += data[i]! ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
};

describe('synthesized instruments', () => {
  it('are eight valid MOD samples: even lengths, loops inside, volumes in range', () => {
    const samples = synthInstruments();
    expect(samples.map((s) => s.name)).toEqual([
      'kick',
      'snare',
      'hi-hat',
      'bass',
      'lead',
      'pad',
      'pluck',
      'bell',
    ]);
    for (const sample of samples) {
      expect(sample.data.length % 2).toBe(0);
      expect(sample.data.length).toBeGreaterThan(0);
      expect(sample.volume).toBeGreaterThan(0);
      expect(sample.volume).toBeLessThanOrEqual(64);
      if (sample.loopLength > 2) expect(sample.loopStart + sample.loopLength).toBe(sample.data.length);
    }
  });

  it('are the same bytes on every call', () => {
    expect(synthInstruments()).toEqual(synthInstruments());
  });

  it('tune every loop so that C-2 sounds middle C within 2 cents', () => {
    for (const [sample, octave] of [
      [lead(), 1],
      [pad(), 1],
      [bass(), 0.5],
    ] as const) {
      const cycles = loopFundamental(sample);
      const hz = (rateAtPeriod(428) * cycles) / sample.loopLength;
      expect(Math.abs(cents(hz, MIDDLE_C * octave)), sample.name).toBeLessThan(2);
    }
  });

  it('tune the pitched one-shots so that C-3 sounds C5', () => {
    const c5 = MIDDLE_C * 2;
    const p = pluck();
    expect(Math.abs(cents(peakFrequency(p, 214, 0, 4096, 300, 1500), c5))).toBeLessThan(5);
    // The bell's FM index falls over time; its tail is the carrier.
    const b = bell();
    expect(Math.abs(cents(peakFrequency(b, 214, 8000, 4096, 300, 1500), c5))).toBeLessThan(5);
  });

  it('start one-shots with a silent word and let them die away', () => {
    for (const sample of [kick(), snare(), hiHat(), pluck(), bell()]) {
      expect(sample.loopLength, sample.name).toBeLessThanOrEqual(2);
      expect([sample.data[0], sample.data[1]], sample.name).toEqual([0, 0]);
      const n = sample.data.length;
      const head = rms(sample.data, 0, Math.floor(n / 10));
      expect(head, sample.name).toBeGreaterThan(10);
      expect(rms(sample.data, n - Math.floor(n / 10), n), sample.name).toBeLessThan(head / 8);
    }
  });

  it('fade the pad in and meet the loop without a step', () => {
    const sample = pad();
    const { data, loopStart } = sample;
    expect(rms(data, 0, 200)).toBeLessThan(rms(data, loopStart, loopStart + 200) / 10);
    let steepest = 0;
    for (let i = loopStart + 1; i < data.length; i++)
      steepest = Math.max(steepest, Math.abs(data[i]! - data[i - 1]!));
    // Entering the loop and wrapping around it are no steeper than the waveform itself.
    expect(Math.abs(data[loopStart - 1]! - data[loopStart]!)).toBeLessThanOrEqual(steepest);
    expect(Math.abs(data[data.length - 1]! - data[loopStart]!)).toBeLessThanOrEqual(steepest);
  });
});
