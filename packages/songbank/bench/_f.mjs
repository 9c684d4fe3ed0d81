import { AudioWorkletNode, OfflineAudioContext } from 'node-web-audio-api';
const P = `registerProcessor('e', class extends AudioWorkletProcessor { process(i, o) { return true; } });`;
async function run(nodes, chans, instr, mode) {
  const ctx = new OfflineAudioContext({ numberOfChannels: 2, length: 60 * 48000, sampleRate: 48000 });
  const url = URL.createObjectURL(new Blob([P], { type: 'text/javascript' }));
  await ctx.audioWorklet.addModule(url);
  const master = ctx.createGain(); master.connect(ctx.destination);
  let made = 0;
  for (let k = 0; k < nodes; k++) {
    const n = new AudioWorkletNode(ctx, 'e', { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [chans] });
    if (mode === 'direct') { n.connect(master); continue; }
    const split = ctx.createChannelSplitter(chans);
    n.connect(split);
    for (let s = 0; s < chans / 2 && made < instr; s++, made++) {
      const m = ctx.createChannelMerger(2);
      split.connect(m, 2 * s, 0); split.connect(m, 2 * s + 1, 1);
      const g = ctx.createGain(); m.connect(g); g.connect(master);
    }
  }
  const t = performance.now(); await ctx.startRendering(); const ms = performance.now() - t;
  console.log(`${nodes} nodes x 1 output of ${chans} ch, ${instr} instr, ${mode}: ${(60000 / ms).toFixed(1)}x`);
}
const cfgs = JSON.parse(process.argv[2]);
for (const c of cfgs) await run(...c);
