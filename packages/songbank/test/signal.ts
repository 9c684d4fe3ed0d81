// Measures rendered audio for the bank's tests, written once so every test judges
// "made sound" and "silent" by the same figure.

/** The sum of squares of a channel's samples: 0 for silence. */
export function energy(data: Float32Array): number {
  let sum = 0;
  for (const x of data) sum += x * x;
  return sum;
}
