/**
 * The samples a song plays, as sampler patches for the bank: the bridge between the MOD
 * model and the instruments the registry creates.
 */
import type { InstrumentPatch } from '@workletpool/worklet-runtime';
import { samplePlaysLoop } from './sample-loop.js';
import type { Song } from './song.js';

/** One MOD sample that a song plays, as a bank instrument. */
export interface SongInstrument {
  /** Two-digit sample number, as trackers show it ("01".."31"). */
  readonly id: string;
  /** Index into song.samples. */
  readonly sample: number;
  readonly name: string;
  readonly patch: InstrumentPatch;
}

/**
 * The samples a song actually plays (referenced by a pattern in its order list and
 * holding data), each as a sampler patch. The sequencer applies finetune and the
 * sample's default volume, so the patch plays at unity.
 */
export function songInstruments(song: Song): readonly SongInstrument[] {
  // Cached per song, so preparing a song twice finds the same patches and reuses its instruments.
  const cached = cache.get(song);
  if (cached !== undefined) return cached;
  const used = new Set<number>();
  for (const patternIndex of new Set(song.orders)) {
    const pattern = song.patterns[patternIndex];
    if (pattern === undefined) continue;
    for (const row of pattern.rows) for (const cell of row) if (cell.sample > 0) used.add(cell.sample - 1);
  }
  const instruments: SongInstrument[] = [];
  for (const index of [...used].sort((a, b) => a - b)) {
    const sample = song.samples[index];
    if (sample === undefined || sample.data.length === 0) continue;
    const loops = samplePlaysLoop(sample);
    instruments.push({
      id: String(index + 1).padStart(2, '0'),
      sample: index,
      name: sample.name.trim() || `sample ${index + 1}`,
      patch: {
        kind: 'sampler',
        data: sample.data,
        loopStart: loops ? sample.loopStart : 0,
        loopLength: loops ? sample.loopLength : 0,
        volume: 64,
      },
    });
  }
  cache.set(song, instruments);
  return instruments;
}

const cache = new WeakMap<Song, readonly SongInstrument[]>();

/** The bank instrument id of a 0-based sample index. */
export const instrumentId = (sample: number): string => String(sample + 1).padStart(2, '0');
