/** The smallest free run that fits. */
export { bestFit } from './best-fit';
/** One owner per worklet. */
export { dedicated } from './dedicated';
/** The first free run that fits. */
export { firstFit } from './first-fit';
/** Aligned blocks of four (or blockSize) voices. */
export { type FixedBlocksOptions, fixedBlocks } from './fixed-blocks';
/** Config names to strategies. */
export { resolveStrategy, type StrategyName, strategyNames } from './resolve-strategy';
