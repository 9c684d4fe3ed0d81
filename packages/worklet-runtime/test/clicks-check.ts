// The verdict on a click table, shared by the Node and Chromium suites (it runs in the
// test process; only the measurement runs in the page).
import { expect } from 'vitest';
import type { ClickRow } from './clicks.js';

/** A 1 ms fade of a full-scale cut moves 1/49 per frame: under 3x a 100 Hz full-scale sine's own step. */
export const CLICK_BOUND = 3;

/** Prints the table (before = declick: false, after = declick: true) and checks every row. */
export function checkClickTable(where: string, rows: readonly ClickRow[]): void {
  console.log(
    `click table, ${where}: largest step near each event\n` +
      rows
        .map(
          (r) =>
            `${r.event.padEnd(38)} own ${r.own.toFixed(4)}  declick:false ${r.plain.toFixed(4)}  ` +
            `declick:true ${r.declick.toFixed(4)} (${(r.declick / r.own).toFixed(2)}x own)`,
        )
        .join('\n'),
  );
  const [control, ...events] = rows as [ClickRow, ...ClickRow[]];
  // With nothing happening, the measure near F sees no more than the signal's own step.
  expect(control.declick).toBeLessThanOrEqual(control.own);
  expect(events).toHaveLength(12);
  for (const row of events) {
    expect(row.changed, `${row.event}: the event took effect`).toBeGreaterThan(0.1);
    expect(row.plain, `${row.event} without declicking`).toBeGreaterThan(5 * row.own);
    expect(row.declick, `${row.event} with declicking`).toBeLessThanOrEqual(CLICK_BOUND * row.own);
  }
}
