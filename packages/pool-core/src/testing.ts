// The `@workletpool/pool-core/testing` entry: property-testing tools for pools and strategies.
// fast-check is a peer dependency of this entry only.

/** The invariant checker and the error it throws. */
export { checkPoolInvariants, InvariantViolation, snapshotProblems } from './pool-invariants';
/** The model-based command suite. */
export {
  AllocateCommand,
  CompactCommand,
  checkDeterminism,
  createPoolUnderTest,
  modelOwners,
  ownerArbitrary,
  type PoolCall,
  type PoolCommandsOptions,
  type PoolConfig,
  type PoolModel,
  type PoolUnderTest,
  poolCommands,
  ReleaseCommand,
  ResetCommand,
  runPoolModel,
  voicesArbitrary,
} from './pool-model';
/** Independent reference view and stats, computed naively from plain data. */
export { type ReferenceLayout, referenceStats, referenceView } from './reference-view';
/** Strategy laws for users' own suites. */
export {
  checkStrategyLaws,
  defaultGeometries,
  type Geometry,
  poolConfigArbitrary,
  type StrategyLaw,
  type StrategyLawOptions,
  strategyLaws,
} from './strategy-laws';
