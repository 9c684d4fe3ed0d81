import { ProTrackerSequencer, resolveTempoMode } from './sequencer.js';
import type { Song } from './song.js';
import type { TempoModeOption } from './tempo-mode.js';

/** Options of `traceSong`. */
export interface TraceOptions {
  /** Stereo separation 0..1 (default 1, as the reference traces use). */
  readonly stereoSeparation?: number;
  /** Timing of Fxx >= 0x20 (default 'auto': the song's own, see `songTempoMode`). */
  readonly tempoMode?: TempoModeOption;
}

/**
 * Plays a song to its end and prints the sequencer state in the reference
 * player's mixer-data format: one line per tick for each channel whose voice holds
 * a sample that has not run out, `time row frame chan period note ins vol pan pos`,
 * with time in ms at the end of the tick, period x4096 and volume x16.
 */
export function traceSong(song: Song, options: TraceOptions = {}): string {
  const sequencer = new ProTrackerSequencer(
    song,
    options.stereoSeparation ?? 1,
    false,
    'equal',
    44100,
    resolveTempoMode(song, options.tempoMode),
  );
  const lines: string[] = [];
  // The reference clock jumps back to an order's first start time when a jump
  // re-enters that order, so the trace keeps the same clock.
  const orderStart = new Map<number, number>();
  let clock = 0;
  let lastOrder = -1;
  for (let tick = sequencer.next(); tick; tick = sequencer.next()) {
    if (tick.order !== lastOrder) {
      const start = orderStart.get(tick.order);
      if (start === undefined) orderStart.set(tick.order, clock);
      else clock = start;
      lastOrder = tick.order;
    }
    clock += 2500 / tick.tempo;
    const time = Math.trunc(clock);
    tick.channels.forEach((c, chn) => {
      if (!sequencer.isListed(chn)) return;
      const period = Math.trunc(sequencer.reportedPeriod(chn) * 4096);
      lines.push(
        `${time} ${tick.row} ${tick.tick} ${chn} ${period} ${c.note} ${c.instrument} ${c.volume * 16} ${c.pan} ${Math.trunc(c.position)} 0`,
      );
    });
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
