/**
 * The Paula side of a channel: which sample plays, from where, and when it runs out or
 * swaps, followed frame by frame at the mix rate. ProTracker's sample-swap and offset
 * quirks live here, apart from the effects that trigger them.
 */

import { samplePlaysLoop } from '../sample-loop.js';
import type { Sample } from '../song.js';

/** libxmp's mixing constant: a C-2 (period 428) plays 8287 frames per second. */
const C2_RATE_PRODUCT = 428 * 8287;

/** One channel's voice as Paula plays it. */
export class Voice {
  mapped = false;
  smp = -1;
  ins = -1;
  note = 0;
  pos = 0;
  period = 0;
  vol = 0;
  pan = 0;
  /** Past the first pass: the loop end (not the sample end) bounds playback. */
  looping = false;
  queued = false;
  queuedSmp = -1;
  paused = false;
  start = 0;
  end = 0;
  /** The sample ran out (a one-shot ended, or was swapped for nothing). */
  ended = false;
  /** Set when the sample (re)starts during the tick; reported and cleared once per tick. */
  trigger: { sample: number; offset: number } | undefined;
}

interface LoopBounds {
  readonly looped: boolean;
  readonly start: number;
  readonly end: number;
  /** The loop starts at 0 but the sample goes on past it: the first pass plays it all. */
  readonly full: boolean;
  readonly len: number;
}

/** Sample selection and position for every voice of one song. */
export class Paula {
  constructor(
    private readonly samples: readonly Sample[],
    private readonly mixRate: number,
  ) {}

  private loopOf(smp: number): LoopBounds {
    const s = this.samples[smp];
    if (!s) return { looped: false, start: 0, end: 0, full: false, len: 0 };
    const len = s.data.length;
    const looped = samplePlaysLoop(s);
    const lpe = s.loopStart + s.loopLength;
    return { looped, start: s.loopStart, end: lpe, full: looped && s.loopStart === 0 && len > lpe, len };
  }

  private adjustEnd(v: Voice): void {
    const l = this.loopOf(v.smp);
    if (l.looped) {
      v.start = l.start;
      // A loop starting at 0 plays the whole sample once before it loops.
      v.end = l.full && !v.looping ? l.len : l.end;
    } else {
      v.start = 0;
      v.end = l.len;
    }
  }

  /** Maps the voice to a sample from its start (a new note). */
  setPatch(v: Voice, ins: number, smp: number, note: number): void {
    v.mapped = true;
    this.loadSample(v, smp);
    v.ins = ins;
    v.note = note;
  }

  private loadSample(v: Voice, smp: number): void {
    v.smp = smp;
    v.vol = 0;
    v.looping = false;
    v.queued = false;
    v.paused = false;
    v.ended = false;
    this.setPosition(v, 0);
  }

  private hotswap(v: Voice, smp: number): void {
    const { vol, pan } = v;
    this.loadSample(v, smp);
    v.looping = true;
    v.vol = vol;
    v.pan = pan;
  }

  /** ProTracker's sample swap: the new sample starts when the playing one reaches its loop end. */
  queuePatch(v: Voice, ins: number, smp: number, note: number): void {
    if (v.mapped) {
      if (smp !== v.smp || v.paused) {
        v.queuedSmp = smp;
        v.queued = true;
      }
      if (ins >= 0) v.ins = ins;
      return;
    }
    // The previous sample has stopped: the swap starts a new note.
    if (smp < 0) return;
    this.setPatch(v, ins, smp, note);
    v.trigger = { sample: smp, offset: 0 };
  }

  /** Unmaps the voice: the channel is silent until its next note. */
  resetVoice(v: Voice): void {
    v.mapped = false;
    v.smp = -1;
    v.ins = -1;
    v.vol = 0;
    v.queued = false;
    v.paused = false;
  }

  /** Starts (or restarts) the voice at a frame; a queued swap takes effect now. */
  voicePos(v: Voice, pos: number): void {
    if (!v.mapped) return;
    if (v.queued) {
      v.queued = false;
      if (v.queuedSmp < 0) v.paused = true;
      else if (v.smp !== v.queuedSmp) this.hotswap(v, v.queuedSmp);
      v.looping = true;
    }
    this.setPosition(v, pos);
    v.trigger = { sample: v.smp, offset: v.pos };
  }

  private setPosition(v: Voice, pos: number): void {
    v.pos = pos;
    this.adjustEnd(v);
    if (v.pos >= v.end) {
      v.pos = v.end;
      // An offset past the end of a looped sample starts inside the loop.
      if (this.loopOf(v.smp).looped) this.loopReposition(v);
    }
  }

  private loopReposition(v: Voice): void {
    if (!v.looping) {
      v.looping = true;
      this.adjustEnd(v);
    }
    v.pos -= v.end - v.start;
    const len = this.samples[v.smp]?.data.length ?? 0;
    if (v.pos > len + 1) v.pos = len + 1;
  }

  /** Follows one voice through one tick of output at the mix rate. */
  mix(v: Voice, bpm: number): void {
    const tickFrames = Math.max(1, Math.trunc((this.mixRate * 2.5) / bpm));
    if (!v.mapped) return;
    if (v.period < 1) {
      this.resetVoice(v);
      return;
    }
    if (v.pos < 0) v.pos = 0;
    if (v.paused) {
      if (!v.queued || v.queuedSmp < 0) {
        v.queued = false;
        return;
      }
      this.hotswap(v, v.queuedSmp);
      v.pos = v.start;
      v.trigger = { sample: v.smp, offset: v.pos };
    }
    const step = C2_RATE_PRODUCT / this.mixRate / v.period;
    if (step < 0.001 || step > 32767) return;
    let size = tickFrames;
    let guard = tickFrames;
    while (size > 0) {
      let frames: number;
      if (v.pos >= v.end) {
        frames = 0;
        if (--guard <= 0) break;
      } else {
        frames = Math.min(Math.ceil((v.end - v.pos) / step), size);
      }
      v.pos += step * frames;
      size -= frames;
      const looped = this.loopOf(v.smp).looped;
      if (!looped && !v.queued) {
        if (size > 0) v.ended = true;
        break;
      }
      if (size > 0 || v.pos >= v.end) {
        if (v.queued) {
          const next = this.loopOf(v.queuedSmp);
          if (v.queuedSmp < 0 || (!looped && !next.looped)) {
            // A one-shot replaced by a one-shot (or by nothing) stops.
            v.queued = false;
            v.paused = true;
            v.ended = true;
            break;
          }
          this.hotswap(v, v.queuedSmp);
          v.pos = v.start;
          v.trigger = { sample: v.smp, offset: v.pos };
          continue;
        }
        this.loopReposition(v);
      }
    }
  }
}
