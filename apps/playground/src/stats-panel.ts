// The numbers behind the pool map.
import type { SongBankStats } from '@workletpool/songbank';
import { h, replaceChildren } from './dom.js';

/** Figures the bank's stats do not carry. */
export interface ExtraStats {
  /** AudioWorkletNodes created since the page opened: every bank the settings made, and the offline measurements. */
  readonly pageNodes: number;
  /** What is known of the audio-thread time each worklet costs. */
  readonly workletLoad: string;
  readonly sampleRate: number;
  readonly contextState: string;
}

function row(label: string, key: string, value: string): HTMLElement[] {
  return [h('dt', { text: label }), h('dd', { attrs: { 'data-stat': key }, text: value })];
}

/** Fills `root` (a <dl>) with the current figures. */
export function renderStats(root: HTMLElement, stats: SongBankStats, extra: ExtraStats): void {
  replaceChildren(
    root,
    ...row('Mode', 'mode', stats.mode),
    ...row('Strategy', 'strategy', stats.strategy),
    ...row('Worklets', 'worklets', String(stats.workletCount)),
    ...row(
      'Voices total / allocated / free',
      'voices',
      `${stats.totalVoices} / ${stats.allocatedVoices} / ${stats.freeVoices}`,
    ),
    ...row('Instruments', 'instruments', String(stats.instruments.length)),
    // Degraded playback (channels sharing voices, instruments the pool could not fit) is
    // audible, so it is said here rather than left for the listener to guess.
    ...row(
      'Warnings',
      'warnings',
      stats.warnings.length === 0 ? 'none' : stats.warnings.map((warning) => warning.message).join('; '),
    ),
    ...row('AudioWorkletNodes created (this bank)', 'nodes', String(stats.nodesCreated)),
    ...row('AudioWorkletNodes created (since the page opened)', 'page-nodes', String(extra.pageNodes)),
    ...row('Audio-thread load per worklet', 'load', extra.workletLoad),
    ...row('AudioContext', 'context', `${extra.contextState}, ${extra.sampleRate} Hz`),
    ...row(
      'Cross-origin isolated',
      'isolated',
      globalThis.crossOriginIsolated === true ? 'yes' : 'no (not needed: no SharedArrayBuffer is used)',
    ),
  );
}
