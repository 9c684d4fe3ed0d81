import { createVoicePool } from '@workletpool/pool-core';
import { bestFit, fixedBlocks } from '/work/wt-h1/packages/strategies/dist/index.js';

const which = process.argv[2] ?? 'fixed';
const pool = createVoicePool({
  voicesPerWorklet: 16,
  enginesPerWorklet: 2,
  strategy: which === 'fixed' ? fixedBlocks() : bestFit(),
});
let a = 12345;
const rnd = () => {
  a = (a * 1103515245 + 12345) >>> 0;
  return a / 4294967296;
};
const N = 3_000_000;
const slot = new Uint8Array(N),
  size = new Uint8Array(N);
for (let k = 0; k < N; k++) {
  slot[k] = Math.floor(rnd() * 40);
  size[k] = 1 + Math.floor(rnd() * 8);
}
const names = Array.from({ length: 65536 }, (_, i) => `owner-${i}`);
const live = new Array(40);
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (let k = 0; k < N; k++) {
    const j = slot[k];
    const old = live[j];
    if (old !== undefined) pool.release(old);
    const o = names[k & 65535];
    pool.allocate(o, size[k]);
    live[j] = o;
  }
  console.log(which, (N / ((performance.now() - t0) / 1000) / 1e6).toFixed(2), 'M pairs/s');
}
