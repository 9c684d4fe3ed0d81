// Per-instrument strip: placement, mute, solo and a level meter, all through the
// instruments' mixer (setMute, meter()), which works whether instruments share one
// output per worklet (the default) or not. The list applies solo itself, as mutes, so it
// holds in every mode, also where instruments are not in one pool (dedicated, simplified).
import type { SongBank, SongBankInstrumentStats, SongBankStats } from '@workletpool/songbank';
import { h, replaceChildren } from './dom.js';

interface Strip {
  readonly bar: HTMLElement;
  readonly mute: HTMLButtonElement;
  readonly solo: HTMLButtonElement;
  /** The latest peak read, with a short fall-off for drawing. */
  held: number;
  /** Whether a meter() request is under way (one at a time per instrument). */
  asking: boolean;
}

/** The instrument list with its meters; mute and solo survive bank re-creation by instrument id. */
export class InstrumentList {
  private readonly strips = new Map<string, Strip>();
  private readonly muted = new Set<string>();
  private readonly soloed = new Set<string>();
  private signature = '';
  private bank: SongBank | undefined;

  constructor(
    private readonly root: HTMLElement,
    _context: BaseAudioContext,
  ) {
    root.classList.add('instrument-list');
  }

  /** Follows `bank`'s instruments: rebuilds rows when they change, re-applies mute/solo. */
  sync(bank: SongBank, stats: SongBankStats, colors: ReadonlyMap<string, string>): void {
    this.bank = bank;
    // Instruments finish loading in any order; list them by sample number.
    const instruments = [...stats.instruments].sort((x, y) => x.id.localeCompare(y.id));
    const signature = JSON.stringify(instruments.map((i) => [i.id, i.name, i.voices, i.worklet, i.start]));
    if (signature !== this.signature) {
      this.signature = signature;
      this.build(instruments, colors);
    }
    this.applyGains();
  }

  private build(instruments: readonly SongBankInstrumentStats[], colors: ReadonlyMap<string, string>): void {
    const ids = new Set(instruments.map((i) => i.id));
    for (const id of [...this.muted]) if (!ids.has(id)) this.muted.delete(id);
    for (const id of [...this.soloed]) if (!ids.has(id)) this.soloed.delete(id);
    this.strips.clear();
    const rows = instruments.map((instrument) => {
      const bar = h('span', { class: 'meter-bar' });
      const mute = h('button', { class: 'toggle', text: 'M', title: `Mute ${instrument.id}` });
      const solo = h('button', { class: 'toggle', text: 'S', title: `Solo ${instrument.id}` });
      mute.dataset.testid = `mute-${instrument.id}`;
      solo.dataset.testid = `solo-${instrument.id}`;
      mute.addEventListener('click', () => this.toggle(this.muted, instrument.id));
      solo.addEventListener('click', () => this.toggle(this.soloed, instrument.id));
      this.strips.set(instrument.id, { bar, mute, solo, held: 0, asking: false });
      const place =
        instrument.worklet === undefined || instrument.start === undefined
          ? 'no worklet'
          : `worklet ${instrument.worklet}, voices ${instrument.start}–${instrument.start + instrument.voices - 1}`;
      return h(
        'li',
        { attrs: { 'data-instrument': instrument.id } },
        h('span', { class: 'swatch', style: { '--color': colors.get(instrument.id) ?? '#888' } }),
        h('span', { class: 'inst-id', text: instrument.id }),
        h('span', { class: 'inst-name', text: instrument.name, title: instrument.name }),
        h('span', { class: 'inst-place muted', text: place }),
        mute,
        solo,
        h('span', { class: 'meter' }, bar),
      );
    });
    replaceChildren(
      this.root,
      rows.length === 0 ? h('li', { class: 'muted', text: 'No instruments.' }) : null,
      ...rows,
    );
  }

  private toggle(set: Set<string>, id: string): void {
    if (set.has(id)) set.delete(id);
    else set.add(id);
    this.applyGains();
  }

  /** Mutes each instrument through its mixer from mute and solo: any solo silences the rest. */
  private applyGains(): void {
    const bank = this.bank;
    if (bank === undefined) return;
    for (const [id, strip] of this.strips) {
      const audible = this.soloed.size > 0 ? this.soloed.has(id) : !this.muted.has(id);
      strip.mute.setAttribute('aria-pressed', String(this.muted.has(id)));
      strip.solo.setAttribute('aria-pressed', String(this.soloed.has(id)));
      strip.bar.parentElement?.classList.toggle('silenced', !audible);
      const instrument = bank.instrument(id);
      // The mixer ramps the change over 1 ms, so nothing clicks.
      if (instrument && instrument.mix.mute === audible) instrument.setMute(!audible);
    }
  }

  /** Redraws the meters from the instruments' latest levels (call once per animation frame). */
  drawMeters(): void {
    const bank = this.bank;
    for (const [id, strip] of this.strips) {
      strip.held *= 0.85;
      const instrument = bank?.instrument(id);
      if (instrument && !strip.asking) {
        strip.asking = true;
        instrument
          .meter()
          .then(
            (m) => {
              strip.held = Math.max(strip.held, m.peak[0], m.peak[1]);
            },
            // A disposed instrument or a closed context: the meter falls to zero.
            () => undefined,
          )
          .finally(() => {
            strip.asking = false;
          });
      }
      const level = Math.min(1, strip.held);
      strip.bar.style.width = `${(level * 100).toFixed(1)}%`;
    }
  }
}
