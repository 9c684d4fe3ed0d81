/** Plan returned by compact(), and one move inside it. */
export type { CompactionMove, CompactionPlan } from './compaction';
/** One owner's voice range. */
export type { Allocation } from './layout';
/** Typed pool errors with stable codes. */
export { isPoolError, PoolError, type PoolErrorCode } from './pool-error';
/** The strategy contract: what the pool asks, what it shows, what a strategy answers. */
export type { FreeRun, Placement, PlacementRequest, PoolView, Strategy } from './strategy';
/** The allocator and its option, stats, snapshot and event types. */
export {
  createVoicePool,
  type GrowthPolicy,
  type PoolEventMap,
  type PoolEventName,
  type PoolSnapshot,
  type PoolStats,
  type VoicePool,
  type VoicePoolOptions,
  type WorkletStats,
} from './voice-pool';
