// The rules every pool state must keep (bounds, engines, alignment, no overlap), written
// once for the testing kit, the model-based suite and users' own strategy tests.

import type { Allocation } from './layout';
import { referenceStats } from './reference-view';
import type { PoolSnapshot, PoolStats, VoicePool } from './voice-pool';

/** Thrown by the testing kit when a pool or strategy breaks a rule; the message lists every problem. */
export class InvariantViolation extends Error {
  /** One line per broken rule. */
  readonly problems: readonly string[];

  constructor(context: string, problems: readonly string[]) {
    super(`${context}:\n  ${problems.join('\n  ')}`);
    this.name = 'InvariantViolation';
    this.problems = problems;
  }
}

function show(a: Allocation): string {
  return `'${a.owner}' at worklet ${a.worklet}, voices ${a.start}-${a.start + a.count - 1}`;
}

/** Problems with the ranges of a snapshot: bounds, engines, alignment, exclusivity, overlap, duplicate owners. */
export function snapshotProblems(snapshot: PoolSnapshot): string[] {
  const problems: string[] = [];
  const { voicesPerWorklet: vpw, enginesPerWorklet, workletCount, alignment } = snapshot;
  const vpe = vpw / enginesPerWorklet;
  if (workletCount > snapshot.maxWorklets) {
    problems.push(`${workletCount} worklets exceed maxWorklets ${snapshot.maxWorklets}`);
  }
  const owners = new Set<string>();
  const taken = new Map<string, string>();
  const holder = new Map<number, string>();
  for (const a of snapshot.allocations) {
    if (owners.has(a.owner)) problems.push(`owner '${a.owner}' holds more than one range`);
    owners.add(a.owner);
    if (!Number.isInteger(a.worklet) || a.worklet < 0 || a.worklet >= workletCount) {
      problems.push(`${show(a)}: worklet outside 0-${workletCount - 1}`);
    }
    if (!Number.isInteger(a.start) || !Number.isInteger(a.count) || a.count < 1) {
      problems.push(`${show(a)}: start and count must be integers, count >= 1`);
    }
    if (a.start < 0 || a.start + a.count > vpw)
      problems.push(`${show(a)}: outside a worklet of ${vpw} voices`);
    if (Math.floor(a.start / vpe) !== Math.floor((a.start + a.count - 1) / vpe)) {
      problems.push(`${show(a)}: straddles engines of ${vpe} voices`);
    }
    if (a.start % alignment !== 0)
      problems.push(`${show(a)}: start not a multiple of alignment ${alignment}`);
    const first = holder.get(a.worklet);
    if (snapshot.exclusive && first !== undefined) {
      problems.push(`${show(a)}: shares its worklet with '${first}' under an exclusive strategy`);
    }
    holder.set(a.worklet, a.owner);
    for (let v = a.start; v < a.start + a.count; v++) {
      const key = `${a.worklet}:${v}`;
      const other = taken.get(key);
      if (other !== undefined) problems.push(`${show(a)}: voice ${v} also held by '${other}'`);
      taken.set(key, a.owner);
    }
  }
  return problems;
}

function sameStats(actual: PoolStats, expected: PoolStats): string[] {
  const problems: string[] = [];
  for (const key of ['workletCount', 'totalVoices', 'allocatedVoices', 'freeVoices'] as const) {
    if (actual[key] !== expected[key])
      problems.push(`stats().${key} is ${actual[key]}, recomputed ${expected[key]}`);
  }
  const a = JSON.stringify(actual.allocations);
  const e = JSON.stringify(expected.allocations);
  if (a !== e) problems.push(`stats().allocations ${a} differ from the snapshot's ${e}`);
  const wa = JSON.stringify(actual.worklets);
  const we = JSON.stringify(expected.worklets);
  if (wa !== we) problems.push(`stats().worklets ${wa} differ from the recomputed free runs ${we}`);
  return problems;
}

function deeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Object.isFrozen(value)) return false;
  return Object.values(value).every(deeplyFrozen);
}

/**
 * Checks everything that must hold for any pool at rest: ranges inside worklets and engines,
 * on the declared alignment, alone in a worklet under an exclusive strategy, never overlapping, one range per owner, at most maxWorklets,
 * a deeply frozen snapshot, and stats() equal to stats recomputed from the raw ranges.
 * Throws {@link InvariantViolation} listing every problem.
 */
export function checkPoolInvariants(pool: VoicePool): void {
  const snapshot = pool.snapshot();
  const problems = snapshotProblems(snapshot);
  if (!deeplyFrozen(snapshot)) problems.push('snapshot() is not deeply frozen');
  if (pool.workletCount !== snapshot.workletCount) {
    problems.push(
      `pool.workletCount ${pool.workletCount} differs from the snapshot's ${snapshot.workletCount}`,
    );
  }
  problems.push(...sameStats(pool.stats(), referenceStats(snapshot)));
  if (problems.length > 0)
    throw new InvariantViolation(`pool using strategy '${snapshot.strategy}'`, problems);
}
