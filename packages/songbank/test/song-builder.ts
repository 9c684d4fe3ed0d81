// Builds Song values directly (no file bytes) for sequencer and trace tests.
import type { Cell, Sample, Song } from '../src/song.js';

export interface SampleSpec {
  length: number;
  volume?: number;
  finetune?: number;
  loopStart?: number;
  loopLength?: number;
}

export type RowSpec = Record<number, Partial<Cell>>;

export interface SongSpec {
  channels?: number;
  samples?: SampleSpec[];
  /** Pattern n: row number -> channel number -> cell fields. */
  patterns: Record<number, RowSpec>[];
  orders?: number[];
  restartPosition?: number;
}

/** A square-ish wave sample of the given length. */
export function sample(spec: SampleSpec): Sample {
  const data = new Int8Array(spec.length);
  for (let i = 0; i < spec.length; i++) data[i] = i % 32 < 16 ? 100 : -100;
  return {
    name: '',
    finetune: spec.finetune ?? 0,
    volume: spec.volume ?? 64,
    loopStart: spec.loopStart ?? 0,
    loopLength: spec.loopLength ?? 2,
    data,
  };
}

export function buildSong(spec: SongSpec): Song {
  const channels = spec.channels ?? 4;
  const specs = spec.samples ?? [{ length: 2000, loopStart: 0, loopLength: 2000 }];
  const samples: Sample[] = Array.from({ length: 31 }, (_, i) => {
    const s = specs[i];
    return s ? sample(s) : sample({ length: 0 });
  });
  const patterns = spec.patterns.map((rows) => ({
    rows: Array.from({ length: 64 }, (_, r) =>
      Array.from(
        { length: channels },
        (_, c): Cell => ({ period: 0, sample: 0, effect: 0, param: 0, ...rows[r]?.[c] }),
      ),
    ),
  }));
  return {
    title: 'test',
    format: { kind: 'protracker', tag: 'M.K.' },
    channels,
    samples,
    orders: spec.orders ?? spec.patterns.map((_, i) => i),
    restartPosition: spec.restartPosition ?? 0,
    patterns,
  };
}
