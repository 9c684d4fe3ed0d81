#!/usr/bin/env node
// The README's main job: render the bundled default song through pooled worklets with
// the workletpool command (WAV file, pool statistics), then show how the reference
// scenario (7 instruments x 4 voices, 16 voices per worklet) lands with every
// built-in strategy.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createVoicePool } from '../packages/pool-core/dist/index.js';
import { resolveStrategy, strategyNames } from '../packages/strategies/dist/index.js';

const cli = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));
const render = spawnSync(process.execPath, [cli, 'render', '-o', 'default-song.wav'], { stdio: 'inherit' });
if (render.status !== 0) process.exit(render.status ?? 1);
console.log('');

const instruments = 7;
const voicesEach = 4;
const voicesPerWorklet = 16;

console.log(
  `Reference scenario: ${instruments} instruments x ${voicesEach} voices, ${voicesPerWorklet} voices per worklet\n`,
);
const rows = [
  ['strategy', 'worklets', 'total', 'allocated', 'free', 'placement (instrument: worklet/voices)'],
];
for (const name of strategyNames) {
  const pool = createVoicePool({ voicesPerWorklet, strategy: resolveStrategy(name) });
  for (let i = 1; i <= instruments; i++) pool.allocate(String(i).padStart(2, '0'), voicesEach);
  const stats = pool.stats();
  const placement = stats.allocations
    .map((a) => `${a.owner}:${a.worklet}/${a.start}-${a.start + a.count - 1}`)
    .join(' ');
  rows.push([
    name,
    String(stats.workletCount),
    String(stats.totalVoices),
    String(stats.allocatedVoices),
    String(stats.freeVoices),
    placement,
  ]);
}
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
for (const [index, row] of rows.entries()) {
  console.log(
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd(),
  );
  if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
