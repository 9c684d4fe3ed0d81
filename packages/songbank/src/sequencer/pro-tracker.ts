/**
 * The ProTracker sequencer itself: each tick it moves the song on (song-flow.ts), reads a
 * new row's events into the channels (notes, samples, row effects from row-effects.ts),
 * runs the armed effects (tick-effects.ts) and follows the voices through the tick
 * (paula.ts). Built only through `createSequencer`, which checks the song and options.
 */
import { notePeriod, type Tuning } from '../periods.js';
import type { Sample, Song } from '../song.js';
import type { TempoMode } from '../tempo-mode.js';
import { Channel, disarmEffects, RETRIG_CUT, type RowEvent, toEvent } from './channel.js';
import { Paula } from './paula.js';
import { MAX_KEYS, type RowContext, rowEffect } from './row-effects.js';
import { SongFlow } from './song-flow.js';
import { type TickContext, tickEffects, tickVolume } from './tick-effects.js';
import type { ChannelTick, Sequencer, SequencerTick } from './types.js';

/** The checked settings a sequencer runs with. */
export interface SequencerSettings {
  readonly separation: number;
  readonly loop: boolean;
  readonly tuning: Tuning;
  readonly mixRate: number;
  readonly tempoMode: TempoMode;
}

/** The sequencer, with the reference player's notion of a listed voice for traces. */
export class ProTrackerSequencer implements Sequencer, RowContext, TickContext {
  readonly song: Song;
  ended = false;
  readonly tempoMode: TempoMode;
  readonly tuning: Tuning;
  readonly flow: SongFlow;
  private readonly channels: Channel[];
  private readonly samples: readonly Sample[];
  private readonly paula: Paula;
  /** Seconds from the start of the song to the start of the next tick. */
  private time = 0;

  constructor(song: Song, settings: SequencerSettings) {
    this.song = song;
    this.samples = song.samples;
    this.tuning = settings.tuning;
    this.tempoMode = settings.tempoMode;
    this.flow = new SongFlow(song, settings.loop, settings.tempoMode === 'vblank');
    this.paula = new Paula(song.samples, settings.mixRate);
    this.channels = Array.from({ length: song.channels }, () => new Channel());
    // Amiga LRRL: channels 0 and 3 left, 1 and 2 right, repeating every four.
    this.channels.forEach((c, i) => {
      const right = ((i + 1) >> 1) % 2 === 1;
      // (+ 0 turns the -0 of a mono left channel into 0.)
      c.pan = Math.trunc(((right ? 255 : 0) - 128) * settings.separation) + 0;
    });
  }

  get frame(): number {
    return this.flow.frame;
  }

  get rowTick(): boolean {
    return this.flow.rowTick;
  }

  [Symbol.iterator](): Iterator<SequencerTick> {
    return {
      next: (): IteratorResult<SequencerTick> => {
        const tick = this.next();
        return tick ? { done: false, value: tick } : { done: true, value: undefined };
      },
    };
  }

  next(): SequencerTick | null {
    if (this.ended) return null;
    const flow = this.flow;
    const step = flow.advance();
    if (step === 'end') {
      this.ended = true;
      return null;
    }
    if (step === 'row') this.readRow();
    for (const c of this.channels) this.playChannel(c);
    const duration = 2.5 / flow.bpm;
    for (const c of this.channels) this.paula.mix(c.voice, flow.bpm);
    const tick: SequencerTick = {
      order: flow.order,
      pattern: flow.pattern,
      row: flow.row,
      tick: flow.frame,
      speed: flow.speed,
      tempo: flow.bpm,
      time: this.time,
      duration,
      channels: this.channels.map((c) => this.report(c)),
    };
    this.time += duration;
    return tick;
  }

  validInstrument(ins: number): boolean {
    const s = this.samples[ins];
    return ins >= 0 && s !== undefined && s.data.length > 0;
  }

  private readRow(): void {
    const flow = this.flow;
    const pattern = this.song.patterns[flow.pattern];
    const cells = pattern?.rows[flow.row];
    for (let i = 0; i < this.channels.length; i++) {
      const c = this.channels[i] as Channel;
      const e = toEvent(cells?.[i]);
      // The speed of this row counts before note delays are set up.
      if (e.fxt === 0xf && e.fxp > 0 && (e.fxp < 0x20 || flow.vblank)) flow.speed = e.fxp;
      if (e.fxt === 0xe && e.fxp >> 4 === 0xd && (e.fxp & 0xf) !== 0) {
        c.noteDelay.ticks = (e.fxp & 0xf) + 1;
        c.noteDelay.event = e;
        continue;
      }
      this.readEvent(c, e);
    }
  }

  /** A channel reads its event: sample and note first, then the row effect, then the (re)start. */
  private readEvent(c: Channel, e: RowEvent): void {
    const paula = this.paula;
    disarmEffects(c);
    let note = -1;
    const isTonePorta = e.fxt === 0x3 || e.fxt === 0x5;
    const isRetrig = e.fxt === 0xe && e.fxp >> 4 === 0x9 && (e.fxp & 0xf) !== 0;
    let newInvalidIns = false;
    let newSwapIns = false;
    let sub: Sample | undefined;

    if (e.note - 1 >= 0 && e.note - 1 < MAX_KEYS && !isTonePorta) c.key = e.note - 1;
    if (e.ins) {
      const ins = e.ins - 1;
      c.offset.value = 0;
      if (this.validInstrument(ins)) {
        sub = this.samples[ins];
        newSwapIns = true;
        // The finetune loads at once but only shows when a note or portamento sets the period.
        c.finetune = sub?.finetune ?? 0;
        c.ins = ins;
        c.volume = sub?.volume ?? 0;
      } else {
        newInvalidIns = true;
        // An empty sample number does not stop the channel in ProTracker: it is
        // queued like any swap and silences the channel at the end of the loop.
        if (isRetrig) paula.resetVoice(c.voice);
        else paula.queuePatch(c.voice, -1, -1, c.note);
      }
    }

    if (e.note) {
      if (!isTonePorta && e.note - 1 < MAX_KEYS) {
        note = c.key;
        if (this.validInstrument(c.ins) && !newInvalidIns) {
          paula.setPatch(c.voice, c.ins, c.ins, note);
          newSwapIns = false;
        }
      }
      if (note >= 0) {
        c.note = note;
        c.noteSet = true;
      }
    }

    // ProTracker 1/2: a sample number without a note (or with a tone portamento)
    // swaps the sample when the playing one reaches its loop end.
    if (newSwapIns && sub && c.noteSet) paula.queuePatch(c.voice, e.ins - 1, e.ins - 1, c.note);

    const current = this.validInstrument(c.ins);
    // Effect defaults for a new row.
    if (current && note >= 0) {
      if (c.vibrato.retrigger) c.vibrato.pos = 0;
      if (c.tremolo.retrigger) c.tremolo.pos = 0;
    }
    c.noteDelay.ticks = 0;
    c.arpeggio.offsets = [0, 0, 0];
    c.arpeggio.pos = 0;
    c.arpeggio.size = 1;
    if (isTonePorta) c.portamento.speed = 0;

    rowEffect(this, c, e);

    if (note >= 0) {
      const per = notePeriod(note, c.finetune, this.tuning);
      if (c.period < 1 || !isTonePorta) c.period = per;
    }
    if (!current) return;
    if (note >= 0 && !newInvalidIns) paula.voicePos(c.voice, c.offset.value);
    else if (newSwapIns && isRetrig) paula.voicePos(c.voice, 0);
    if (c.offset.active) {
      // ProTracker adds the offset to the sample start, so the next note with the
      // same offset command starts that much further on.
      c.offset.value += c.offset.step;
      c.offset.active = false;
    }
  }

  private playChannel(c: Channel): void {
    const delay = c.noteDelay;
    if (delay.ticks > 0 && --delay.ticks === 0) this.readEvent(c, delay.event);
    if (!c.voice.mapped) {
      tickVolume(this, c);
      return;
    }
    if (!this.validInstrument(c.ins)) return;
    const r = c.retrigger;
    if (r.active && --r.countdown === 0) {
      if (r.mode === RETRIG_CUT) c.volume = 0;
      else this.paula.voicePos(c.voice, 0);
      r.countdown = r.interval;
    }
    tickEffects(this, c);
    c.voice.pan = c.pan;
  }

  private report(c: Channel): ChannelTick {
    const v = c.voice;
    const sample = v.mapped && !v.ended && !v.paused ? v.smp : -1;
    const cut = c.out.lastSample >= 0 && sample < 0;
    c.out.lastSample = sample;
    const tick: ChannelTick = {
      sample,
      instrument: v.mapped ? v.ins : c.ins,
      period: c.out.finalPeriod,
      volume: v.vol,
      pan: c.pan,
      note: v.note,
      position: v.pos,
      ...(v.trigger ? { trigger: v.trigger } : {}),
      ...(cut ? { cut: true as const } : {}),
    };
    v.trigger = undefined;
    return tick;
  }

  /** The channel's period as the reference player reports it: clamped to the note range of its finetune. */
  reportedPeriod(chn: number): number {
    return this.channels[chn]?.out.reportedPeriod ?? 0;
  }

  /** Whether the channel holds a voice whose sample has not run out (the trace lists these). */
  isListed(chn: number): boolean {
    const c = this.channels[chn];
    return c?.voice.mapped === true && !c.voice.ended;
  }
}
