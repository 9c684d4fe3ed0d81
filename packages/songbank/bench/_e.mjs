import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
const P = `registerProcessor('e', class extends AudioWorkletProcessor { process(i, o) { return true; } });`;
async function run(nodes, outs, gains, connectAll = true) {
  const ctx = new OfflineAudioContext({ numberOfChannels: 2, length: 60 * 48000, sampleRate: 48000 });
  const url = URL.createObjectURL(new Blob([P], { type: 'text/javascript' }));
  await ctx.audioWorklet.addModule(url);
  const master = ctx.createGain(); master.connect(ctx.destination);
  let g = 0;
  for (let k = 0; k < nodes; k++) {
    const n = new AudioWorkletNode(ctx, 'e', { numberOfInputs: 0, numberOfOutputs: outs, outputChannelCount: new Array(outs).fill(2) });
    for (let o = 0; o < outs; o++) {
      if (gains > 0) { if (g < gains) { const gn = ctx.createGain(); n.connect(gn, o); gn.connect(master); g++; } }
      else if (connectAll || o === 0) n.connect(master, o);
    }
  }
  const t = performance.now(); await ctx.startRendering(); const ms = performance.now() - t;
  console.log(`${nodes} nodes x ${outs} outputs, ${gains} gains: ${(60000 / ms).toFixed(1)}x`);
}
const cfgs = JSON.parse(process.argv[2]);
for (const c of cfgs) await run(...c);
