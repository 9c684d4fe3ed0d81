// The click table on real AudioWorkletNodes in node-web-audio-api (the Chromium suite
// measures the same table in a browser): every event stays within a small multiple of
// the signal's own largest step with declicking on, and the same events step far beyond
// it with declicking off, which shows the measure can tell.
import { afterEach, describe, it } from 'vitest';
import { createWorkletPool } from '../src/worklet-pool.js';
import { clickTable } from './clicks.js';
import { checkClickTable } from './clicks-check.js';
import { NodeAudioWorkletNode, offlineContext, renderPending } from './node-audio.js';

afterEach(renderPending);

describe('click table (node-web-audio-api)', () => {
  it('every event stays within 3x the signal’s own step with declicking on, and clicks without it', async () => {
    const rows = await clickTable({
      context: (frames) => offlineContext(frames),
      createWorkletPool,
      AudioWorkletNode: NodeAudioWorkletNode,
    });
    checkClickTable('node-web-audio-api', rows);
  });
});
