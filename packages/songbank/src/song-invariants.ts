/**
 * The rules a Song must keep for the sequencer and the writer to be safe on it, checked
 * in one place, so hand-built songs get the same clear errors as loaded ones.
 */

import { isLoopLength } from './sample-loop.js';
import type { Song } from './song.js';

/** ProTracker sample lengths are stored in 16-bit words. */
const MAX_SAMPLE_BYTES = 0xffff * 2;

/**
 * Lists every way a Song breaks the model's rules (empty when it is sound): channel
 * count, sample fields and loops inside the data, order numbers naming stored
 * patterns, 64-row patterns of full width, cell fields in their byte ranges.
 */
export function songProblems(song: Song): string[] {
  const problems: string[] = [];
  const intIn = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  if (!intIn(song.channels, 1, 32)) problems.push(`channels is ${song.channels} (1..32)`);
  const expectedSamples = song.format.kind === 'soundtracker' ? 15 : 31;
  if (song.samples.length !== expectedSamples) {
    problems.push(`${song.samples.length} samples (${song.format.kind} has ${expectedSamples})`);
  }
  song.samples.forEach((s, i) => {
    const at = `sample ${i + 1}`;
    if (!(s.data instanceof Int8Array)) problems.push(`${at}: data is not an Int8Array`);
    if (s.data.length > MAX_SAMPLE_BYTES)
      problems.push(`${at}: ${s.data.length} bytes (at most ${MAX_SAMPLE_BYTES})`);
    if (!intIn(s.finetune, -8, 7)) problems.push(`${at}: finetune ${s.finetune} (-8..7)`);
    if (!intIn(s.volume, 0, 64)) problems.push(`${at}: volume ${s.volume} (0..64)`);
    if (!intIn(s.loopStart, 0, MAX_SAMPLE_BYTES)) problems.push(`${at}: loop start ${s.loopStart}`);
    if (!intIn(s.loopLength, 0, MAX_SAMPLE_BYTES)) problems.push(`${at}: loop length ${s.loopLength}`);
    if (isLoopLength(s.loopLength) && s.loopStart + s.loopLength > s.data.length) {
      problems.push(`${at}: loop ${s.loopStart}+${s.loopLength} runs past its ${s.data.length} bytes`);
    }
  });
  if (song.orders.length < 1 || song.orders.length > 128)
    problems.push(`${song.orders.length} orders (1..128)`);
  song.orders.forEach((o, i) => {
    if (!intIn(o, 0, song.patterns.length - 1)) {
      problems.push(`order ${i} is pattern ${o}; ${song.patterns.length} patterns are stored`);
    }
  });
  if (!intIn(song.restartPosition, 0, Math.max(0, song.orders.length - 1))) {
    problems.push(`restart position ${song.restartPosition} of ${song.orders.length} orders`);
  }
  if (song.tempo !== undefined && !intIn(song.tempo, 32, 255)) problems.push(`tempo ${song.tempo} (32..255)`);
  song.patterns.forEach((p, pi) => {
    if (p.rows.length !== 64) problems.push(`pattern ${pi}: ${p.rows.length} rows (64)`);
    p.rows.forEach((row, ri) => {
      if (row.length !== song.channels) problems.push(`pattern ${pi} row ${ri}: ${row.length} cells`);
      for (const c of row) {
        if (
          !intIn(c.period, 0, 0xfff) ||
          !intIn(c.sample, 0, 0xff) ||
          !intIn(c.effect, 0, 0xf) ||
          !intIn(c.param, 0, 0xff)
        ) {
          problems.push(`pattern ${pi} row ${ri}: cell ${JSON.stringify(c)} out of range`);
        }
      }
    });
  });
  return problems;
}
