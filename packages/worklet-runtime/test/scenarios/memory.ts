// Page script for the Chromium suite: creates hundreds of instruments in one real-time
// AudioContext, dedicated or pooled, to show that their engines share one WebAssembly
// memory instead of each reserving its own (Chromium refuses new memories after about a
// hundred per page).
import { createDedicatedInstrument, createWorkletPool, type Instrument } from '../../dist/index.js';

/** What creating `count` instruments gave: how many were made, on how many nodes, and any failure. */
export interface Creation {
  created: number;
  nodes: number;
  memoryBytes: number;
  failure: string | null;
}

function patch(k: number) {
  const data = new Int8Array(4000).map((_, i) => Math.round(Math.sin((i * (k + 5)) / 23) * 100));
  return { kind: 'sampler', data, loopStart: 0, loopLength: 0 } as const;
}

/** Creates `count` 4-voice instruments, `mode` 'dedicated' (a node each) or 'pooled' (the pool's defaults). */
export async function create(mode: 'dedicated' | 'pooled', count: number): Promise<Creation> {
  const context = new AudioContext({ sampleRate: 48000 });
  const all: Instrument[] = [];
  let failure: string | null = null;
  let nodes = 0;
  let memoryBytes = 0;
  try {
    const pool = await createWorkletPool(context, {});
    if (mode === 'dedicated') {
      for (let k = 0; k < count; k++) {
        all.push(await createDedicatedInstrument(context, `d${k}`, patch(k), { voices: 4 }));
        nodes++;
      }
      // One pooled engine in the same context reports the memory every engine shares.
      all.push(await pool.createInstrument('probe', patch(0), { voices: 4 }));
    } else {
      for (let k = 0; k < count; k++) all.push(await pool.createInstrument(`p${k}`, patch(k), { voices: 4 }));
      nodes = pool.stats().nodesCreated;
    }
    memoryBytes = (await pool.report()).render[0]?.memoryBytes ?? 0;
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    failure = `${e.name ?? 'Error'} ${e.code ?? ''}: ${e.message ?? String(error)} (after ${all.length})`;
  }
  for (const instrument of all) instrument.dispose();
  await context.close();
  return { created: all.length, nodes, memoryBytes, failure };
}
