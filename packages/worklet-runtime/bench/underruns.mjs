// What the real-time capacity pages measure, written once for both: Chromium's own glitch
// counters (`playbackStats`) over a listening window, after a warm-up.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function counters(context) {
  const stats = context.playbackStats?.toJSON?.() ?? context.playbackStats;
  if (!stats) throw new Error('this browser has no AudioContext.playbackStats');
  return { events: stats.underrunEvents, seconds: stats.underrunDuration };
}

/** Underrun events and seconds during `seconds` of playback, after 1.5 s of warm-up. */
export async function listenForUnderruns(context, seconds) {
  await sleep(1500); // warm-up: tier-up and the first stats update
  const before = counters(context);
  await sleep(seconds * 1000 + 1100); // playbackStats updates about once a second
  const after = counters(context);
  return { events: after.events - before.events, seconds: after.seconds - before.seconds };
}

/** One line for an error that stopped creation: name, code, message, and how far it got. */
export function creationFailure(error, after) {
  return `${error?.name ?? 'Error'}${error?.code ? ` ${error.code}` : ''}: ${error?.message ?? String(error)} (after ${after})`;
}
