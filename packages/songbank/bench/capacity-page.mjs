// Chromium page script for the song capacity benchmark: `banks` song banks on one
// real-time AudioContext, each playing the same MOD song in a loop, as an app with
// several songs or previews running at once would. Chromium's own glitch counter
// (`playbackStats.underrunEvents`) says whether the audio thread kept up.
import { createSongBank } from '../dist/index.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function underruns(context) {
  const stats = context.playbackStats?.toJSON?.() ?? context.playbackStats;
  if (!stats) throw new Error('this browser has no AudioContext.playbackStats');
  return { events: stats.underrunEvents, seconds: stats.underrunDuration };
}

const OPTIONS = {
  dedicated: { pooling: false },
  pooled: {},
  'pooled-shared': { outputs: 'shared' },
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
    failure = `${error?.name ?? 'Error'}${error?.code ? ` ${error.code}` : ''}: ${error?.message ?? String(error)} (after ${players.length} banks)`;
  }
  try {
    if (failure !== null) return { mode, banks, failure, nodes, events: null, seconds: null };
    await sleep(1500); // warm-up: tier-up and the first stats update
    const before = underruns(context);
    await sleep(seconds * 1000);
    await sleep(1100); // playbackStats updates about once a second
    const after = underruns(context);
    return {
      mode,
      banks,
      failure,
      nodes,
      events: after.events - before.events,
      seconds: after.seconds - before.seconds,
    };
  } finally {
    for (const player of players) player.stop();
    for (const bank of all) bank.dispose();
    await context.close();
  }
}
