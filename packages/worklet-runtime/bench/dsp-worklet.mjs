// The AudioWorklet side of the DSP benchmark in Chromium: a processor that, on its first
// render quantum, runs every case on the builds it was handed and posts the figures, so
// the engine is measured on the thread and in the scope where it really runs.
import { makeTierProbe, runDsp } from './dsp-cases.mjs';

// Chromium's worklet scope may lack `performance`; Date.now() then times the runs, each
// of which lasts tens of milliseconds or more.
const perf = globalThis.performance;
const clock = perf && typeof perf.now === 'function' ? 'performance.now()' : 'Date.now()';
const now = perf && typeof perf.now === 'function' ? () => perf.now() : () => Date.now();

registerProcessor(
  'workletpool-bench-dsp',
  class extends AudioWorkletProcessor {
    constructor(options) {
      super();
      this.options = options.processorOptions;
      this.done = false;
    }

    process() {
      if (this.done) return false;
      this.done = true;
      const { builds, voices, seconds, runs } = this.options;
      try {
        const result = runDsp({
          builds: builds.map((b) => ({ label: b.label, module: new WebAssembly.Module(b.bytes) })),
          voices,
          seconds,
          runs,
          now,
          tierOf: makeTierProbe(),
        });
        this.port.postMessage({ ok: true, clock, ...result });
      } catch (error) {
        this.port.postMessage({ ok: false, message: String(error?.stack ?? error) });
      }
      return false;
    }
  },
);
