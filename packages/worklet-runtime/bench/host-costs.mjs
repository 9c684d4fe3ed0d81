// What node-web-audio-api charges for the shape of a graph, with processors that do no
// work: per AudioWorkletNode, per output channel of a node, and per microsecond a
// process() call takes. These figures are why a pool can offer one shared output per
// worklet, and why pooling many sounding voices into one node gains less in this
// engine than the empty-worklet floor suggests.
//
//   node bench/host-costs.mjs [seconds=30]
import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';

const seconds = Number(process.argv[2] ?? 30);
const RATE = 48_000;
const QUANTA = (seconds * RATE) / 128;

const PROCESSORS = `
registerProcessor('host-cost-empty', class extends AudioWorkletProcessor {
  process() { return true; }
});
registerProcessor('host-cost-busy', class extends AudioWorkletProcessor {
  constructor(options) { super(); this.ms = options.processorOptions.microseconds / 1000; }
  process() {
    const end = performance.now() + this.ms;
    while (performance.now() < end);
    return true;
  }
});`;

/** Microseconds of wall time per render quantum for `nodes` nodes of `outputs` x `channels`. */
async function perQuantum(nodes, outputs, channels, microseconds = null) {
  const context = new OfflineAudioContext({ numberOfChannels: 2, length: seconds * RATE, sampleRate: RATE });
  const url = URL.createObjectURL(new Blob([PROCESSORS], { type: 'text/javascript' }));
  await context.audioWorklet.addModule(url);
  for (let k = 0; k < nodes; k++) {
    const node = new AudioWorkletNode(context, microseconds === null ? 'host-cost-empty' : 'host-cost-busy', {
      numberOfInputs: 0,
      numberOfOutputs: outputs,
      outputChannelCount: new Array(outputs).fill(channels),
      processorOptions: { microseconds },
    });
    node.connect(context.destination);
  }
  const t0 = performance.now();
  await context.startRendering();
  return ((performance.now() - t0) * 1000) / QUANTA;
}

const best = async (f) => Math.min(await f(), await f(), await f());
const us = (x) => `${x.toFixed(1)} us`;

console.log(`node-web-audio-api, empty processors, ${seconds} s at ${RATE} Hz, best of 3\n`);
const nodeRows = [];
for (const n of [1, 2, 4, 8])
  nodeRows.push({ nodes: n, 'per quantum': us(await best(() => perQuantum(n, 1, 2))) });
console.log('AudioWorkletNodes of one stereo output:');
console.table(nodeRows);

const channelRows = [];
for (const [outputs, channels] of [
  [1, 2],
  [4, 2],
  [16, 2],
  [1, 32],
]) {
  channelRows.push({
    'outputs x channels': `${outputs} x ${channels}`,
    'per quantum (2 nodes)': us(await best(() => perQuantum(2, outputs, channels))),
  });
}
console.log('Output channels (2 nodes):');
console.table(channelRows);

const busyRows = [];
for (const work of [0, 1, 2, 4, 8, 16, 32]) {
  const total = await best(() => perQuantum(1, 1, 2, work));
  busyRows.push({
    'process() busy': us(work),
    'per quantum': us(total),
    'beyond the work': us(total - work),
  });
}
console.log('One node whose process() takes a given time:');
console.table(busyRows);
