/**
 * The default song's instruments, synthesized in code as 8-bit signed MOD samples.
 * Everything is computed from fixed formulas and a fixed-seed noise generator, so the
 * bytes are the same on every run.
 *
 * Tuning: a tonal sample is a loop of 190 frames (or a multiple) holding a whole number
 * of cycles. At period 428 (C-2) Paula plays 8287.6 frames/s, and 6 cycles per 190
 * frames sound at 261.7 Hz, within a cent of middle C. One-shots are synthesized at the
 * rate of period 214 (C-3), so pitched one-shots and loops agree on the note names.
 */
import { periodToRate } from './periods.js';
import type { Sample } from './song.js';

/** The rate one-shots are designed for: the note C-3 (period 214). */
const ONE_SHOT_RATE = periodToRate(214);
/** Cycles per frame for "C" in every tonal sample (6 cycles in 190 frames). */
const C_CYCLES_PER_FRAME = 6 / 190;
const TAU = 2 * Math.PI;

/** Scales to a peak of `peak` (of 127), rounds, and keeps an even number of frames. */
function toInt8(signal: Float64Array, peak = 127): Int8Array {
  let max = 0;
  for (const v of signal) max = Math.max(max, Math.abs(v));
  const gain = max > 0 ? peak / max : 0;
  const out = new Int8Array(signal.length + (signal.length % 2));
  for (let i = 0; i < signal.length; i++) {
    out[i] = Math.max(-128, Math.min(127, Math.round(signal[i]! * gain)));
  }
  return out;
}

/** xorshift32 white noise in [-1, 1): the same sequence for the same seed. */
function noise(length: number, seed: number): Float64Array {
  const out = new Float64Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x / 0x80000000 - 1;
  }
  return out;
}

/**
 * One loop period of `frames` frames made of harmonics of `cycles` cycles per loop.
 * Harmonics stop below the loop's Nyquist limit so the loop is band-limited and seamless.
 */
function harmonicLoop(
  frames: number,
  voices: readonly { cycles: number; gain: number }[],
  amplitude: (harmonic: number) => number,
): Float64Array {
  const out = new Float64Array(frames);
  for (const { cycles, gain } of voices) {
    for (let h = 1; h * cycles < frames / 2; h++) {
      const a = gain * amplitude(h);
      if (a === 0) continue;
      const step = (TAU * h * cycles) / frames;
      for (let i = 0; i < frames; i++) out[i]! += a * Math.sin(step * i);
    }
  }
  return out;
}

/**
 * Shapes a one-shot: a short fade-in and a fade-out over the last tenth against clicks,
 * and silence in the first word (ProTracker's idle loop after a sample ends).
 */
function oneShot(signal: Float64Array, fadeInFrames = 8): Float64Array {
  for (let i = 0; i < Math.min(fadeInFrames, signal.length); i++) signal[i]! *= i / fadeInFrames;
  const fadeOut = Math.floor(signal.length / 10);
  for (let i = 0; i < fadeOut; i++)
    signal[signal.length - 1 - i]! *= 0.5 - 0.5 * Math.cos((Math.PI * i) / fadeOut);
  signal[0] = 0;
  if (signal.length > 1) signal[1] = 0;
  return signal;
}

function looped(name: string, volume: number, loop: Int8Array, attack?: Int8Array): Sample {
  if (!attack) return { name, finetune: 0, volume, loopStart: 0, loopLength: loop.length, data: loop };
  const data = new Int8Array(attack.length + loop.length);
  data.set(attack);
  data.set(loop, attack.length);
  return { name, finetune: 0, volume, loopStart: attack.length, loopLength: loop.length, data };
}

function unlooped(name: string, volume: number, data: Int8Array): Sample {
  return { name, finetune: 0, volume, loopStart: 0, loopLength: 2, data };
}

const seconds = (s: number) => Math.round(s * ONE_SHOT_RATE);

/** Kick drum: a sine falling from ~160 Hz to 45 Hz with a fast decay. Play at C-3. */
export function kick(): Sample {
  const n = seconds(0.32);
  const out = new Float64Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / ONE_SHOT_RATE;
    phase += (TAU * (45 + 115 * Math.exp(-t / 0.028))) / ONE_SHOT_RATE;
    out[i] = Math.sin(phase) * Math.exp(-t / 0.12) * (1 + 0.6 * Math.exp(-t / 0.004));
  }
  return unlooped('kick', 64, toInt8(oneShot(out, 4)));
}

/** Snare: two damped body tones under band-limited noise. Play at C-3. */
export function snare(): Sample {
  const n = seconds(0.24);
  const hiss = noise(n, 0x5eed);
  const out = new Float64Array(n);
  let low = 0;
  for (let i = 0; i < n; i++) {
    const t = i / ONE_SHOT_RATE;
    // One-pole low-pass subtracted from the noise: keeps the crisp band, drops the rumble.
    low += 0.25 * (hiss[i]! - low);
    const body = (Math.sin(TAU * 185 * t) + 0.5 * Math.sin(TAU * 330 * t)) * Math.exp(-t / 0.05);
    out[i] = 0.8 * body + (hiss[i]! - 0.6 * low) * Math.exp(-t / 0.075);
  }
  return unlooped('snare', 56, toInt8(oneShot(out, 4)));
}

/** Hi-hat: differentiated noise (a gentle high-pass that keeps the metallic top), very short. Play at C-3. */
export function hiHat(): Sample {
  const n = seconds(0.09);
  const hiss = noise(n, 0xc105ed);
  const out = new Float64Array(n);
  for (let i = 1; i < n; i++) out[i] = (hiss[i]! - hiss[i - 1]!) * Math.exp(-i / ONE_SHOT_RATE / 0.022);
  return unlooped('hi-hat', 40, toInt8(oneShot(out, 2), 110));
}

/** Bass: a warm saw with a sine sub, one 190-frame loop; C-1 sounds C2 (65 Hz). */
export function bass(): Sample {
  const loop = harmonicLoop(190, [{ cycles: 3, gain: 1 }], (h) => (h === 1 ? 1.6 : 1 / h ** 1.4));
  return looped('bass', 48, toInt8(loop, 120));
}

/** Lead: a 25% pulse, one 190-frame loop; C-2 sounds C4. */
export function lead(): Sample {
  const loop = harmonicLoop(190, [{ cycles: 6, gain: 1 }], (h) => Math.sin((Math.PI * h) / 4) / h);
  return looped('lead', 40, toInt8(loop, 118));
}

/**
 * Pad: three detuned, softened saws in a 3040-frame loop (95, 96 and 97 cycles, about
 * 18 cents apart), preceded by one loop length that fades in. C-2 sounds C4.
 */
export function pad(): Sample {
  const frames = 190 * 16;
  const cycles = C_CYCLES_PER_FRAME * frames; // 96
  const loop = harmonicLoop(
    frames,
    [
      { cycles: cycles - 1, gain: 0.7 },
      { cycles, gain: 1 },
      { cycles: cycles + 1, gain: 0.7 },
    ],
    (h) => 1 / h / (1 + (h / 4) ** 2),
  );
  let peak = 0;
  for (const v of loop) peak = Math.max(peak, Math.abs(v));
  const attack = new Float64Array(frames);
  for (let i = 0; i < frames; i++) attack[i] = (loop[i]! * i) / frames;
  // Both halves share one scale so the fade-in meets the loop without a step.
  const scale = 110 / peak;
  const quantize = (signal: Float64Array) => Int8Array.from(signal, (v) => Math.round(v * scale));
  return looped('pad', 36, quantize(loop), quantize(attack));
}

/** Pluck: harmonics that die away faster the higher they are. C-3 sounds C5. */
export function pluck(): Sample {
  const n = seconds(0.7);
  const f0 = ONE_SHOT_RATE * C_CYCLES_PER_FRAME;
  const out = new Float64Array(n);
  for (let h = 1; h * f0 < ONE_SHOT_RATE / 2.5; h++) {
    const amplitude = (h % 2 === 0 ? 0.6 : 1) / h;
    const decay = 0.3 / (1 + 0.9 * (h - 1));
    const step = (TAU * h * f0) / ONE_SHOT_RATE;
    for (let i = 0; i < n; i++)
      out[i]! += amplitude * Math.sin(step * i) * Math.exp(-i / ONE_SHOT_RATE / decay);
  }
  return unlooped('pluck', 32, toInt8(oneShot(out, 6)));
}

/** Bell: two-operator FM at the inharmonic ratio 1:3.5 with a falling index. C-3 sounds C5. */
export function bell(): Sample {
  const n = seconds(1.1);
  const f0 = ONE_SHOT_RATE * C_CYCLES_PER_FRAME;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / ONE_SHOT_RATE;
    const index = 2.4 * Math.exp(-t / 0.22) + 0.3;
    const modulator = Math.sin(TAU * 3.5 * f0 * t);
    out[i] = Math.sin(TAU * f0 * t + index * modulator) * Math.exp(-t / 0.42);
  }
  return unlooped('bell', 40, toInt8(oneShot(out, 16)));
}

/** The eight instruments of the default song, in sample order (sample number = index + 1). */
export function synthInstruments(): Sample[] {
  return [kick(), snare(), hiHat(), bass(), lead(), pad(), pluck(), bell()];
}
