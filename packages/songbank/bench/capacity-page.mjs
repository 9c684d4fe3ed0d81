// Chromium page script for the song capacity benchmark: `banks` song banks on one
// real-time AudioContext, each playing the same MOD song in a loop, as an app with
// several songs or previews running at once would. Chromium's own glitch counter
// (`playbackStats.underrunEvents`) says whether the audio thread kept up.

import { creationFailure, listenForUnderruns } from '../../worklet-runtime/bench/underruns.mjs';
import { createSongBank } from '../dist/index.js';

const OPTIONS = {
  dedicated: { pooling: false },
  pooled: {},
  'pooled-shared': { outputs: 'shared' },
  'pooled-per-instrument': { outputs: 'per-instrument' },
};

/** Plays `banks` banks of the song (base64 MOD bytes) in `mode` for `seconds` after a warm-up. */
export async function run(mode, banks, seconds, songBase64) {
  const bytes = Uint8Array.from(atob(songBase64), (c) => c.charCodeAt(0));
  const context = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  await context.resume();
  const all = [];
  const players = [];
  let failure = null;
  let nodes = 0;
  try {
    for (let b = 0; b < banks; b++) {
      const bank = await createSongBank(context, { ...OPTIONS[mode], masterGain: 0.5 / banks });
      all.push(bank);
      const song = await bank.loadSong(bytes);
      const player = bank.play(song, { loop: true });
      players.push(player);
      await player.ready;
      nodes += bank.getStats().nodesCreated ?? 0;
    }
  } catch (error) {
    failure = creationFailure(error, `${players.length} banks`);
  }
  try {
    if (failure !== null) return { mode, banks, failure, nodes, events: null, seconds: null };
    const heard = await listenForUnderruns(context, seconds);
    return {
      mode,
      banks,
      failure,
      nodes,
      events: heard.events,
      seconds: heard.seconds,
    };
  } finally {
    for (const player of players) player.stop();
    for (const bank of all) bank.dispose();
    await context.close();
  }
}
