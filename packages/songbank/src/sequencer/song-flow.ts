/**
 * Where the song is: order, row and tick, the speed and tempo, and the flow commands that
 * move it (Bxx jumps, Dxx breaks, E6x pattern loops, EEx pattern delays), with the
 * reference player's rule for where a song ends.
 */
import type { Song } from '../song.js';

/** Rows played without reaching a new (order, row) before the song is declared stuck. */
const STUCK_ROWS = 4096;

/** What advancing by one tick did. */
export type Step = 'end' | 'row' | 'tick';

/** The song position and the commands that move it. */
export class SongFlow {
  order = 0;
  row = 0;
  frame = -1;
  speed = 6;
  bpm: number;
  /** VBlank timing: Fxx always sets the speed (ticks per row), never a CIA tempo. */
  readonly vblank: boolean;
  /** Pattern delay (EEx) of the current row, in rows. */
  private patternDelay = 0;
  private pbreak = false;
  private jump = -1;
  private jumpLine = 0;
  private loopDest = -1;
  private loopsActive = 0;
  /**
   * The reference player's end detection counts a pattern loop as left when a
   * position jump happens or a loop ends; re-entering a played (order, row) from
   * another order then ends the song even while a loop count is still pending.
   */
  private insideLoop = false;
  private enteredOrder = false;
  private readonly visited: Uint8Array[];
  private rowsSinceNew = 0;
  /** F00 was read: the song ends after the tick that read it. */
  private stopped = false;

  constructor(
    private readonly song: Song,
    private readonly loop: boolean,
    vblank: boolean,
  ) {
    this.visited = song.orders.map(() => new Uint8Array(64));
    this.bpm = song.tempo ?? 125;
    this.vblank = vblank;
  }

  /** Moves on one tick: 'row' when a new row is to be read, 'end' when the song would loop. */
  advance(): Step {
    if (this.stopped) return 'end';
    this.frame++;
    if (this.frame >= this.speed * (1 + this.patternDelay)) {
      // ProTracker skips a row when a break happens during a pattern delay.
      if (this.patternDelay > 0 && this.pbreak) {
        this.nextRow();
        if (this.checkEnd()) return 'end';
      }
      this.nextRow();
    }
    if (this.frame === 0) {
      if (this.checkEnd()) return 'end';
      return 'row';
    }
    return 'tick';
  }

  /** The pattern playing. */
  get pattern(): number {
    return this.song.orders[this.order] ?? 0;
  }

  /** The first tick of a row (repeats of a delayed row start at multiples of the speed). */
  get rowTick(): boolean {
    return this.frame % this.speed === 0;
  }

  /**
   * Fxx: below 0x20 (or always with VBlank timing) the speed, else the CIA tempo. F00
   * stops the song once the tick that reads it has played, as ProTracker 2.3D does
   * (pt2-clone's replayer: setSpeed sets doStopSong, and intMusic stops playback at the
   * end of that tick). libopenmpt ignores F00 in MODs.
   */
  setSpeed(fxp: number): void {
    if (fxp === 0) {
      this.stopped = true;
      return;
    }
    if (fxp < 0x20 || this.vblank) this.speed = fxp;
    else this.bpm = fxp;
  }

  /** Bxx. */
  positionJump(order: number): void {
    this.pbreak = true;
    this.jump = order;
    // A position jump cancels a break to a row set by a channel before it.
    this.jumpLine = 0;
    this.insideLoop = false;
  }

  /** Dxx, the row given in decimal digits. */
  patternBreak(row: number): void {
    this.pbreak = true;
    this.jumpLine = row;
  }

  /** EEx. */
  delayPattern(rows: number): void {
    this.patternDelay = rows;
  }

  /** E6x on a channel's loop state: E60 marks the start, E6x loops back x times. */
  patternLoop(loop: { start: number; count: number }, x: number): void {
    if (x === 0) {
      loop.start = this.row;
      this.insideLoop = true;
      return;
    }
    if (loop.count) {
      if (--loop.count) this.loopDest = loop.start;
      else this.loopsActive--;
    } else {
      loop.count = x;
      this.loopDest = loop.start;
      this.loopsActive++;
    }
    if (this.loopDest < 0) this.insideLoop = false;
  }

  /** Marks the row about to play; true when the song would loop here. */
  private checkEnd(): boolean {
    const seen = this.visited[this.order];
    if (!seen) return true;
    const count = seen[this.row] ?? 0;
    const entered = this.enteredOrder;
    this.enteredOrder = false;
    if (count > 0 && (this.loopsActive === 0 || (entered && !this.insideLoop))) {
      if (!this.loop) return true;
      // Looping playback forgets the past and plays on.
      for (const v of this.visited) v.fill(0);
    }
    if ((seen[this.row] ?? 0) === 0) this.rowsSinceNew = 0;
    else if (++this.rowsSinceNew > STUCK_ROWS) return true;
    seen[this.row] = Math.min(255, (seen[this.row] ?? 0) + 1);
    return false;
  }

  private nextRow(): void {
    this.frame = 0;
    this.patternDelay = 0;
    if (this.pbreak) {
      this.pbreak = false;
      this.loopDest = -1;
      if (this.jump !== -1) {
        this.order = this.jump - 1;
        this.jump = -1;
      }
      this.nextOrder();
      return;
    }
    this.row++;
    if (this.loopDest >= 0) {
      this.row = this.loopDest;
      this.loopDest = -1;
    }
    if (this.row >= 64) this.nextOrder();
  }

  private nextOrder(): void {
    this.order++;
    if (this.order >= this.song.orders.length || this.order < 0) {
      const restart = this.song.restartPosition;
      this.order = restart < this.song.orders.length ? restart : 0;
    }
    this.row = this.jumpLine < 64 ? this.jumpLine : 0;
    this.jumpLine = 0;
    this.frame = 0;
    this.enteredOrder = true;
  }
}
