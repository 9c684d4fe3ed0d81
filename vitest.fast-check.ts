// The one place property-test run counts are set. CI keeps them bounded; set
// FC_NUM_RUNS (e.g. 10000) for a deeper local search. To replay a reported failure,
// run the one test with FC_SEED (and FC_PATH) from fast-check's report.
import fc from 'fast-check';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
fc.configureGlobal({
  numRuns: Number.isFinite(numRuns) && numRuns > 0 ? numRuns : 100,
  ...(seed !== undefined && Number.isInteger(seed) ? { seed } : {}),
  ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
});
