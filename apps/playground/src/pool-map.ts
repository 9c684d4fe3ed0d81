// The live pool map: one row per worklet, one cell per voice, each cell coloured by the
// instrument that owns it and lit while that voice sounds.
import type { SongBankStats } from '@workletpool/songbank';
import { h, replaceChildren } from './dom.js';
import type { SoundingVoice } from './voice-activity.js';

/** What the map needs besides the bank's stats. */
export interface PoolMapLayout {
  /** Voices per pooled worklet (a dedicated worklet holds exactly its instrument's voices). */
  readonly voicesPerWorklet: number;
  /** Colour of each instrument id. */
  readonly colors: ReadonlyMap<string, string>;
}

const voiceRange = (start: number, count: number): string =>
  count === 1 ? `voice ${start}` : `voices ${start}–${start + count - 1}`;

/** Draws the map into `root` and lights its cells. */
export class PoolMap {
  private readonly cells = new Map<string, HTMLElement>();
  private lit = new Set<string>();
  private signature = '';

  constructor(private readonly root: HTMLElement) {
    root.dataset.testid = 'pool-map';
    root.classList.add('pool-map');
  }

  /** Rebuilds the rows when the allocation changed; cheap to call on every frame. */
  render(stats: SongBankStats, layout: PoolMapLayout): void {
    const signature = JSON.stringify([
      stats.mode,
      stats.workletCount,
      layout.voicesPerWorklet,
      stats.instruments.map((i) => [i.id, i.worklet, i.start, i.voices]),
    ]);
    if (signature === this.signature) return;
    this.signature = signature;
    this.cells.clear();
    this.lit.clear();

    if (stats.mode === 'simplified') {
      replaceChildren(
        this.root,
        h('p', {
          class: 'muted',
          text: `Simplified MOD instruments: ${stats.instruments.length} instruments play through AudioBufferSourceNodes, so there is no worklet to map.`,
        }),
      );
      return;
    }
    const rows: HTMLElement[] = [];
    for (let worklet = 0; worklet < stats.workletCount; worklet++) {
      const owners = stats.instruments.filter((i) => i.worklet === worklet);
      // A dedicated worklet is sized to its one instrument; a pooled one to the engine.
      const width =
        stats.mode === 'dedicated' ? Math.max(1, ...owners.map((i) => i.voices)) : layout.voicesPerWorklet;
      const row = h(
        'div',
        { class: 'worklet-row', testid: 'worklet-row', attrs: { 'data-worklet': String(worklet) } },
        h('span', { class: 'row-label', text: `worklet ${worklet}` }),
      );
      const cellBox = h('div', { class: 'cells' });
      for (let voice = 0; voice < width; voice++) {
        const owner = owners.find(
          (i) => i.start !== undefined && voice >= i.start && voice < i.start + i.voices,
        );
        const cell = h('span', { class: 'cell' });
        if (owner === undefined || owner.start === undefined) {
          cell.classList.add('free');
          cell.title = `worklet ${worklet}, voice ${voice}: free`;
        } else {
          const local = voice - owner.start;
          cell.style.setProperty('--color', layout.colors.get(owner.id) ?? '#888');
          cell.dataset.instrument = owner.id;
          cell.title = `${owner.id} ${owner.name}: worklet ${worklet}, ${voiceRange(owner.start, owner.voices)} (its voice ${local})`;
          this.cells.set(`${owner.id}:${local}`, cell);
        }
        cellBox.appendChild(cell);
      }
      row.appendChild(cellBox);
      rows.push(row);
    }
    if (rows.length === 0) {
      replaceChildren(this.root, h('p', { class: 'muted', text: 'No worklets yet.' }));
      return;
    }
    replaceChildren(this.root, ...rows);
  }

  /** Lights the cells of the sounding voices and darkens the rest. */
  light(sounding: readonly SoundingVoice[]): void {
    const next = new Set<string>();
    for (const voice of sounding) {
      const key = `${voice.instrument}:${voice.voice}`;
      const cell = this.cells.get(key);
      if (cell === undefined) continue;
      next.add(key);
      cell.style.setProperty('--level', (0.35 + (0.65 * voice.volume) / 64).toFixed(2));
    }
    for (const key of this.lit) if (!next.has(key)) this.cells.get(key)?.classList.remove('lit');
    for (const key of next) if (!this.lit.has(key)) this.cells.get(key)?.classList.add('lit');
    this.lit = next;
  }

  /** How many cells are lit (for the test hook). */
  litCount(): number {
    return this.lit.size;
  }
}
