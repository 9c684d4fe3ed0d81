// Strategies are user code: every placement one returns is checked here before anything is
// committed, so a buggy strategy yields a typed INVALID_PLACEMENT, never a corrupt pool.

import type { Layout } from './layout';
import { PoolError } from './pool-error';
import type { Placement, PlacementRequest, PoolView, Strategy } from './strategy';

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function reject(strategy: Strategy, request: PlacementRequest, what: string): never {
  throw new PoolError(
    'INVALID_PLACEMENT',
    `strategy '${strategy.name}' placed owner '${request.owner}' (${request.voices} voices) ${what}; nothing was changed`,
  );
}

/**
 * Checks a strategy's answer against the layout before anything is committed: integers,
 * an existing worklet, inside the worklet, inside one engine, on the declared alignment,
 * alone in its worklet when the strategy is exclusive, at least the requested voices, and
 * no voice already taken.
 */
export function checkPlacement(
  layout: Layout,
  strategy: Strategy,
  alignment: number,
  request: PlacementRequest,
  placement: Placement,
  visibleWorklets: number,
): void {
  // Fast path: the common valid answer passes with a handful of integer and bit operations.
  if (placement !== null && typeof placement === 'object') {
    const { worklet, start, count } = placement;
    if (
      worklet >>> 0 === worklet &&
      worklet < visibleWorklets &&
      start >>> 0 === start &&
      (count | 0) === count &&
      count >= request.voices &&
      start + count <= layout.vpw &&
      ((start / layout.vpe) | 0) === (((start + count - 1) / layout.vpe) | 0) &&
      start % alignment === 0 &&
      (strategy.exclusive !== true || layout.owners[worklet] === 0) &&
      layout.isFree(worklet, start, count)
    ) {
      return;
    }
  }
  if (typeof placement !== 'object' || placement === null)
    reject(strategy, request, `as ${describe(placement)}, not a placement`);
  const { worklet, start, count } = placement;
  if (!Number.isInteger(worklet) || !Number.isInteger(start) || !Number.isInteger(count)) {
    reject(
      strategy,
      request,
      `at worklet ${describe(worklet)}, start ${describe(start)}, count ${describe(count)}: not integers`,
    );
  }
  const where = `at worklet ${worklet}, voices ${start}-${start + count - 1}`;
  if (worklet < 0 || worklet >= visibleWorklets) {
    reject(strategy, request, `${where}, but only worklets 0-${visibleWorklets - 1} were offered`);
  }
  if (count < request.voices) reject(strategy, request, `${where}: ${count} voices is fewer than requested`);
  if (start < 0 || start + count > layout.vpw) {
    reject(strategy, request, `${where}, outside a worklet of ${layout.vpw} voices (0-${layout.vpw - 1})`);
  }
  const vpe = layout.vpe;
  if (Math.floor(start / vpe) !== Math.floor((start + count - 1) / vpe)) {
    reject(strategy, request, `${where}, straddling two engines of ${vpe} voices`);
  }
  if (start % alignment !== 0) {
    reject(strategy, request, `${where}, but start ${start} is not a multiple of its alignment ${alignment}`);
  }
  if (strategy.exclusive === true && layout.owners[worklet] !== 0) {
    reject(strategy, request, `${where}, but it is exclusive and worklet ${worklet} already holds an owner`);
  }
  const base = worklet * layout.vpw;
  const occ = layout.occ;
  for (let v = start; v < start + count; v++) {
    if (occ[base + v] !== 0) {
      reject(strategy, request, `${where}, overlapping voice ${v} held by '${layout.ownerAt(worklet, v)}'`);
    }
  }
}

/** Calls the strategy; an exception inside it becomes a typed INVALID_PLACEMENT (nothing is committed yet). */
export function askStrategy(strategy: Strategy, request: PlacementRequest, view: PoolView): Placement | null {
  try {
    return strategy.place(request, view);
  } catch (error) {
    throw new PoolError(
      'INVALID_PLACEMENT',
      `strategy '${strategy.name}' threw while placing owner '${request.owner}' (${request.voices} voices): ${error instanceof Error ? error.message : String(error)}; nothing was changed`,
      { cause: error },
    );
  }
}
