// Config names a strategy by string; this turns the name into a Strategy, and an unknown
// name into an error that lists the known ones.

import { PoolError, type Strategy } from '@workletpool/pool-core';
import { bestFit } from './best-fit';
import { dedicated } from './dedicated';
import { firstFit } from './first-fit';
import { fixedBlocks } from './fixed-blocks';

/** The names config may use for the built-in strategies. */
export type StrategyName = 'fixed-blocks' | 'best-fit' | 'first-fit' | 'dedicated';

/** Every built-in strategy name, in the order they are documented. */
export const strategyNames: readonly StrategyName[] = Object.freeze([
  'fixed-blocks',
  'best-fit',
  'first-fit',
  'dedicated',
]);

const factories: Record<StrategyName, () => Strategy> = {
  'fixed-blocks': () => fixedBlocks(),
  'best-fit': bestFit,
  'first-fit': firstFit,
  dedicated,
};

/**
 * Turns config into a Strategy: a built-in name (with default options) or a Strategy value,
 * returned as is. Unknown names throw PoolError `UNKNOWN_STRATEGY` listing the known ones.
 */
export function resolveStrategy(nameOrStrategy: StrategyName | Strategy): Strategy {
  if (typeof nameOrStrategy === 'string') {
    if (Object.hasOwn(factories, nameOrStrategy)) return factories[nameOrStrategy]();
    throw new PoolError(
      'UNKNOWN_STRATEGY',
      `unknown strategy '${nameOrStrategy}'; known strategies are ${strategyNames.join(', ')}`,
    );
  }
  if (
    typeof nameOrStrategy === 'object' &&
    nameOrStrategy !== null &&
    typeof nameOrStrategy.place === 'function' &&
    typeof nameOrStrategy.name === 'string'
  ) {
    return nameOrStrategy;
  }
  throw new PoolError(
    'UNKNOWN_STRATEGY',
    `strategy must be one of ${strategyNames.join(', ')} or an object with a name and place(), got ${String(nameOrStrategy)}`,
  );
}
