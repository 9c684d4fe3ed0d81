// Per-instrument strip: placement, mute, solo and a level meter. Every instrument has
// its own output GainNode even when it shares a worklet, so these work in every mode.
import type { SongBank, SongBankInstrumentStats, SongBankStats } from '@workletpool/songbank';
import { h, replaceChildren } from './dom.js';
import { LevelMeter } from './level-meter.js';

interface Strip {
  readonly meter: LevelMeter;
  readonly bar: HTMLElement;
  readonly mute: HTMLButtonElement;
  readonly solo: HTMLButtonElement;
}

const RAMP = 0.01; // seconds: a short ramp so muting does not click

/** The instrument list with its meters; mute and solo survive bank re-creation by instrument id. */
export class InstrumentList {
  private readonly strips = new Map<string, Strip>();
  private readonly meters = new Map<string, LevelMeter>();
  private readonly muted = new Set<string>();
  private readonly soloed = new Set<string>();
  private signature = '';
  private bank: SongBank | undefined;
  /** Each output's gain before the list touched it, so unmuting restores it exactly. */
  private readonly baseGains = new WeakMap<GainNode, number>();
  /** Whether each output was last set audible, so gains are only scheduled when they change. */
  private readonly applied = new WeakMap<GainNode, boolean>();

  constructor(
    private readonly root: HTMLElement,
    private readonly context: BaseAudioContext,
  ) {
    root.classList.add('instrument-list');
  }

  /** Follows `bank`'s instruments: rebuilds rows when they change, re-taps meters, re-applies mute/solo. */
  sync(bank: SongBank, stats: SongBankStats, colors: ReadonlyMap<string, string>): void {
    this.bank = bank;
    // Instruments finish loading in any order; list them by sample number.
    const instruments = [...stats.instruments].sort((x, y) => x.id.localeCompare(y.id));
    const signature = JSON.stringify(instruments.map((i) => [i.id, i.name, i.voices, i.worklet, i.start]));
    if (signature !== this.signature) {
      this.signature = signature;
      this.build(instruments, colors);
    }
    for (const [id, strip] of this.strips) {
      const output = bank.instrument(id)?.output;
      if (output === undefined) strip.meter.detach();
      else strip.meter.attach(output);
    }
    this.applyGains();
  }

  private build(instruments: readonly SongBankInstrumentStats[], colors: ReadonlyMap<string, string>): void {
    const ids = new Set(instruments.map((i) => i.id));
    for (const [id, meter] of this.meters) {
      if (!ids.has(id)) {
        meter.detach();
        this.meters.delete(id);
      }
    }
    for (const id of [...this.muted]) if (!ids.has(id)) this.muted.delete(id);
    for (const id of [...this.soloed]) if (!ids.has(id)) this.soloed.delete(id);
    this.strips.clear();
    const rows = instruments.map((instrument) => {
      let meter = this.meters.get(instrument.id);
      if (meter === undefined) {
        meter = new LevelMeter(this.context);
        this.meters.set(instrument.id, meter);
      }
      const bar = h('span', { class: 'meter-bar' });
      const mute = h('button', { class: 'toggle', text: 'M', title: `Mute ${instrument.id}` });
      const solo = h('button', { class: 'toggle', text: 'S', title: `Solo ${instrument.id}` });
      mute.dataset.testid = `mute-${instrument.id}`;
      solo.dataset.testid = `solo-${instrument.id}`;
      mute.addEventListener('click', () => this.toggle(this.muted, instrument.id));
      solo.addEventListener('click', () => this.toggle(this.soloed, instrument.id));
      this.strips.set(instrument.id, { meter, bar, mute, solo });
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

  /** Sets each instrument's output gain from mute and solo: any solo silences the rest. */
  private applyGains(): void {
    const bank = this.bank;
    if (bank === undefined) return;
    for (const [id, strip] of this.strips) {
      const audible = this.soloed.size > 0 ? this.soloed.has(id) : !this.muted.has(id);
      strip.mute.setAttribute('aria-pressed', String(this.muted.has(id)));
      strip.solo.setAttribute('aria-pressed', String(this.soloed.has(id)));
      strip.bar.parentElement?.classList.toggle('silenced', !audible);
      const output = bank.instrument(id)?.output;
      if (output instanceof GainNode && this.applied.get(output) !== audible) {
        this.applied.set(output, audible);
        let base = this.baseGains.get(output);
        if (base === undefined) {
          base = output.gain.value;
          this.baseGains.set(output, base);
        }
        output.gain.setTargetAtTime(audible ? base : 0, this.context.currentTime, RAMP);
      }
    }
  }

  /** Redraws the meters (call once per animation frame). */
  drawMeters(): void {
    for (const strip of this.strips.values()) {
      const level = Math.min(1, strip.meter.display());
      strip.bar.style.width = `${(level * 100).toFixed(1)}%`;
    }
  }
}
