// Side by side: the current song's instruments pooled with the chosen strategy, and the
// same instruments without pooling (one AudioWorkletNode each).
import { h, replaceChildren } from './dom.js';
import type { ModelLayout } from './layout-model.js';
import type { RenderSpeed } from './render-speed.js';

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

function layoutColumn(layout: ModelLayout, colors: ReadonlyMap<string, string>, side: string): HTMLElement {
  const rows = layout.rows.map((worklet) => {
    const cells: HTMLElement[] = [];
    for (let voice = 0; voice < worklet.voices; voice++) {
      const range = worklet.ranges.find((r) => voice >= r.start && voice < r.start + r.count);
      cells.push(
        h('span', {
          class: range === undefined ? 'mini-cell free' : 'mini-cell',
          style: range === undefined ? {} : { '--color': colors.get(range.owner) ?? '#888' },
        }),
      );
    }
    return h('div', { class: 'mini-row' }, ...cells);
  });
  return h(
    'div',
    { class: 'figure-column', attrs: { 'data-side': side } },
    h('h3', { text: layout.label }),
    layout.error === undefined
      ? h(
          'p',
          { class: 'big' },
          h('strong', { attrs: { 'data-figure': `${side}-worklets` }, text: String(layout.worklets) }),
          ` ${layout.worklets === 1 ? 'AudioWorkletNode' : 'AudioWorkletNodes'}`,
        )
      : h('p', { class: 'error-text', text: layout.error }),
    h('p', {
      class: 'muted',
      text: `${plural(layout.totalVoices, 'voice')} held for ${layout.requestedVoices} requested`,
    }),
    h('div', { class: 'mini-map' }, ...rows),
  );
}

/** Draws the two layouts and, once measured, the offline render speeds. */
export function renderComparison(
  root: HTMLElement,
  pooled: ModelLayout,
  dedicated: ModelLayout,
  colors: ReadonlyMap<string, string>,
): void {
  replaceChildren(
    root,
    h(
      'div',
      { class: 'figure-columns' },
      layoutColumn(pooled, colors, 'pooled'),
      layoutColumn(dedicated, colors, 'dedicated'),
    ),
    h('p', { class: 'figure-ratio', text: verdict(pooled, dedicated) }),
  );
}

function verdict(pooled: ModelLayout, dedicated: ModelLayout): string {
  if (pooled.error !== undefined) return 'This configuration cannot hold the song.';
  if (pooled.requestedVoices === 0) return 'This song plays no instrument.';
  if (pooled.worklets >= dedicated.worklets) {
    return `This strategy uses ${plural(pooled.worklets, 'worklet')}, as many as no pooling: nothing is shared.`;
  }
  return (
    `Pooling runs this song on ${plural(pooled.worklets, 'worklet')} instead of ${dedicated.worklets}: ` +
    `${(dedicated.worklets / pooled.worklets).toFixed(1)}× fewer AudioWorkletNodes, each of which costs the audio thread a fixed amount every 128-frame quantum.`
  );
}

/** Draws the measured render speeds as a small table with the ratio. */
export function renderSpeeds(root: HTMLElement, speeds: readonly RenderSpeed[], seconds: number): void {
  const [pooled, dedicated] = speeds;
  const rows = speeds.map((speed) =>
    h(
      'tr',
      {},
      h('td', { text: speed.label }),
      h('td', { class: 'num', text: String(speed.nodes) }),
      h('td', { class: 'num', text: `${speed.wallSeconds.toFixed(3)} s` }),
      h('td', { class: 'num', text: `${speed.realTimeFactor.toFixed(1)}×` }),
      h('td', { class: 'num', text: speed.peak.toFixed(3) }),
    ),
  );
  replaceChildren(
    root,
    h(
      'table',
      { class: 'speed-table', testid: 'render-speed' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { text: `${seconds} s offline` }),
          h('th', { text: 'nodes' }),
          h('th', { text: 'render time' }),
          h('th', { text: 'real time' }),
          h('th', { text: 'peak' }),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
    pooled !== undefined && dedicated !== undefined
      ? h('p', {
          class: 'muted',
          text: `Pooled renders ${(pooled.realTimeFactor / dedicated.realTimeFactor).toFixed(2)}× as fast as no pooling, in this browser, on this machine.`,
        })
      : null,
  );
}
