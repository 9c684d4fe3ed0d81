/**
 * Prints a song's playback in libxmp's mixer-data trace format, so it can be scored
 * tick by tick against the reference player's traces of the compat fixtures.
 */
import { createInspectableSequencer } from './sequencer.js';
import type { Song } from './song.js';
import type { TempoModeOption } from './tempo-mode.js';

/** One column of a trace line: its name, its unit and what it holds. */
export interface TraceColumn {
  readonly name: string;
  readonly unit: string;
  readonly meaning: string;
}

/**
 * The columns of every trace line, in order: libxmp's mixer-data format. The READMEs
 * describe exactly these, and the header line names them with their units.
 */
export const TRACE_COLUMNS: readonly TraceColumn[] = Object.freeze([
  { name: 'time', unit: 'ms', meaning: 'time elapsed at the end of the tick, truncated to an integer' },
  { name: 'row', unit: 'row', meaning: 'pattern row, 0-63' },
  { name: 'frame', unit: 'tick', meaning: 'tick within the row, counting on through pattern delays' },
  { name: 'chan', unit: 'channel', meaning: 'channel, 0-based' },
  {
    name: 'period',
    unit: 'x4096',
    meaning: 'Amiga period times 4096, all effects applied (C-2 = 428 -> 1753088)',
  },
  {
    name: 'note',
    unit: 'semitone',
    meaning: 'note number the period derives from (period 428 = 60); for display only',
  },
  { name: 'ins', unit: 'sample', meaning: 'sample playing, 0-based' },
  { name: 'vol', unit: 'x16', meaning: 'final volume 0-64 times 16 (0-1024)' },
  { name: 'pan', unit: 'pan', meaning: '-128 (left) to 127 (right)' },
  { name: 'pos', unit: 'frames', meaning: 'playback position in the sample at the end of the tick' },
  { name: 'cutoff', unit: 'none', meaning: 'filter cutoff; always 0, as MOD has no filter' },
]);

/** The `#` line naming every trace column with its unit: `# time[ms] row[row] ...`. */
export const TRACE_HEADER = `# ${TRACE_COLUMNS.map((c) => `${c.name}[${c.unit}]`).join(' ')}`;

/** Options of `traceSong`. */
export interface TraceOptions {
  /** Stereo separation 0..1 (default 1, as the reference traces use). */
  readonly stereoSeparation?: number;
  /** Start with {@link TRACE_HEADER} (default false); trace scorers skip `#` lines. */
  readonly header?: boolean;
  /** Timing of Fxx >= 0x20 (default 'auto': the song's own, see `songTempoMode`). */
  readonly tempoMode?: TempoModeOption;
}

/**
 * Plays a song to its end and prints the sequencer state in the reference
 * player's mixer-data format: one line per tick for each channel whose voice holds
 * a sample that has not run out, the fields of {@link TRACE_COLUMNS} in order.
 */
export function traceSong(song: Song, options: TraceOptions = {}): string {
  const sequencer = createInspectableSequencer(song, {
    stereoSeparation: options.stereoSeparation ?? 1,
    tempoMode: options.tempoMode ?? 'auto',
  });
  const lines: string[] = options.header === true ? [TRACE_HEADER] : [];
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
