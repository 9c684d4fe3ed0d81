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
