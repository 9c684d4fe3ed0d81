// Where a rendered signal sounds; plain functions shared by the Node tests and the browser pages.

/** Index of the first sample whose magnitude exceeds `threshold`, or -1. */
export function firstSound(data: Float32Array, threshold = 1e-9): number {
  return data.findIndex((x) => Math.abs(x) > threshold);
}

/** Index after the last sample whose magnitude exceeds `threshold`. */
export function soundEnd(data: Float32Array, threshold = 1e-9): number {
  for (let i = data.length - 1; i >= 0; i--) if (Math.abs(data[i] as number) > threshold) return i + 1;
  return 0;
}

/** Frames of the fade-out tail a cut voice leaves by default (1 ms at the tests' 48 kHz). */
export const TAIL_FRAMES = 48;

/**
 * Largest distance of `data[end..end+frames)` from a straight fade of the last sounding
 * frame `data[end-1]` to zero: frame k of the tail carries (frames - k) / (frames + 1) of it.
 */
export function fadeError(data: Float32Array, end: number, frames = TAIL_FRAMES): number {
  const last = data[end - 1] as number;
  let worst = 0;
  for (let k = 0; k < frames; k++) {
    const expected = (last * (frames - k)) / (frames + 1);
    worst = Math.max(worst, Math.abs((data[end + k] as number) - expected));
  }
  return worst;
}
