// How fast a sampler voice steps through its sample for a pitch: the engine's rule
// (assembly/index.ts, `setPitch`), restated here because the main thread needs it where
// no engine runs. The sample-only instrument plays through AudioBufferSourceNodes and
// sets their playbackRate from it, and slot instruments predict when a one-shot sample
// ends. Both sides are checked against each other in pitch.test.ts.

/** How a note is pitched after checking: an Amiga period or a frequency in Hz. */
export type Pitch = { readonly period: number } | { readonly frequency: number };

/** Amiga PAL clock in Hz (the engine's PAL_CLOCK). */
export const PAL_CLOCK = 7093789.2;

/** Sample frames a sampler advances per output frame for a pitch (the engine's rule). */
export function samplerStep(
  pitch: Pitch,
  sampleRate: number,
  baseFrequency: number,
  finetune: number,
): number {
  if ('period' in pitch) return PAL_CLOCK / (2 * pitch.period) / sampleRate;
  return (pitch.frequency / baseFrequency) * 2 ** (finetune / 96);
}
