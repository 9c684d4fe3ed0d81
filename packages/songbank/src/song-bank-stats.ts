/**
 * What a song bank reports about itself in each mode: a pooled bank asks its pool where
 * instruments sit; a dedicated or simplified bank counts its own instruments. Also the
 * warnings its degraded instruments add.
 */
import type { WorkletPool } from '@workletpool/worklet-runtime';
import type { InstrumentRegistry } from './instrument-registry.js';
import type {
  DegradedInstrument,
  SongBankInstrumentStats,
  SongBankMode,
  SongBankStats,
} from './song-bank-types.js';
import type { SongBankWarning } from './song-bank-warning.js';

/** The warnings of a bank: the song's own (if any), then one per degraded instrument. */
export function bankWarnings(
  songWarning: SongBankWarning | undefined,
  degraded: readonly DegradedInstrument[],
  maxWorklets: number | undefined,
): SongBankWarning[] {
  const limit = maxWorklets === undefined ? '' : ` (maxWorklets ${maxWorklets})`;
  const list = degraded.map(
    (d): SongBankWarning =>
      d.reason === 'fewer-voices'
        ? {
            code: 'FEWER_VOICES',
            instrument: d.id,
            message: `instrument '${d.id}' got ${d.voices} of the ${d.requested} voices it asked for: the pool is full${limit}`,
          }
        : {
            code: 'SIMPLIFIED',
            instrument: d.id,
            message: `instrument '${d.id}' plays without a worklet (AudioBufferSourceNodes): the pool is full${limit}`,
          },
  );
  return songWarning === undefined ? list : [songWarning, ...list];
}

/** The stats of a bank in its mode. */
export function bankStats(
  mode: SongBankMode,
  strategy: string,
  pool: WorkletPool | undefined,
  registry: InstrumentRegistry,
  warnings: readonly SongBankWarning[],
): SongBankStats {
  return pool === undefined
    ? ownStats(mode, registry, warnings)
    : pooledStats(mode, strategy, pool, registry, warnings);
}

function pooledStats(
  mode: SongBankMode,
  strategy: string,
  pool: WorkletPool,
  registry: InstrumentRegistry,
  warnings: readonly SongBankWarning[],
): SongBankStats {
  const instruments: SongBankInstrumentStats[] = [];
  const poolStats = pool.stats();
  const ranges = new Map(poolStats.allocations.map((a) => [a.owner, a]));
  for (const [id, entry] of registry.live) {
    const range = ranges.get(entry.poolId);
    instruments.push({
      id,
      name: entry.name,
      voices: entry.instrument.voices,
      ...(range === undefined ? {} : { worklet: range.worklet, start: range.start }),
    });
  }
  return {
    mode,
    strategy,
    workletCount: poolStats.workletCount,
    totalVoices: poolStats.totalVoices,
    allocatedVoices: poolStats.allocatedVoices,
    freeVoices: poolStats.freeVoices,
    nodesCreated: poolStats.nodesCreated,
    instruments,
    render: poolStats.render,
    degraded: registry.degraded(),
    warnings,
  };
}

/**
 * Without a pool, a dedicated instrument's worklet holds exactly its voices, and a
 * simplified one holds voices but no worklet.
 */
function ownStats(
  mode: SongBankMode,
  registry: InstrumentRegistry,
  warnings: readonly SongBankWarning[],
): SongBankStats {
  const instruments: SongBankInstrumentStats[] = [];
  let worklets = 0;
  let voices = 0;
  for (const [id, entry] of registry.live) {
    const own = entry.dedicated ? worklets++ : undefined;
    if (entry.dedicated || mode === 'simplified') voices += entry.instrument.voices;
    instruments.push({
      id,
      name: entry.name,
      voices: entry.instrument.voices,
      ...(own === undefined ? {} : { worklet: own, start: 0 }),
    });
  }
  return {
    mode,
    strategy: mode === 'dedicated' ? 'dedicated' : 'none',
    workletCount: worklets,
    totalVoices: voices,
    allocatedVoices: voices,
    freeVoices: 0,
    nodesCreated: registry.dedicatedNodes,
    instruments,
    render: [],
    degraded: registry.degraded(),
    warnings,
  };
}
