// A processor that writes its output in its first call only: what a host hands back in
// later calls shows whether it clears output arrays between calls (host-quirks.test.ts).
class StaleOutput extends AudioWorkletProcessor {
  constructor() {
    super();
    this.calls = 0;
  }

  process(_inputs, outputs) {
    if (this.calls++ === 0) outputs[0][0].fill(0.5);
    return true;
  }
}
registerProcessor('stale-output', StaleOutput);
