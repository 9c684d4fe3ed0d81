// The one place property-test run counts are set. CI keeps them bounded; set
// FC_NUM_RUNS (e.g. 10000) for a deeper local search.
import fc from 'fast-check';

const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);
fc.configureGlobal({ numRuns: Number.isFinite(numRuns) && numRuns > 0 ? numRuns : 100 });
