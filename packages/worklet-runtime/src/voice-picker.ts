// Chooses a voice inside one instrument's range: round-robin over voices never used,
// then release-aware stealing (the voice released longest ago, else the one playing longest).

/** Per-voice note times and the choice of the next voice. */
export class VoicePicker {
  private readonly onTimes: Float64Array;
  private readonly offTimes: Float64Array;
  private readonly used: Uint8Array;
  private cursor = 0;

  constructor(readonly voices: number) {
    this.onTimes = new Float64Array(voices);
    this.offTimes = new Float64Array(voices);
    this.used = new Uint8Array(voices);
  }

  /** The voice a note at `time` should take. */
  pick(time: number): number {
    const n = this.voices;
    for (let k = 0; k < n; k++) {
      const v = (this.cursor + k) % n;
      if (this.used[v] === 0) return v;
    }
    let released = -1;
    let playing = -1;
    for (let k = 0; k < n; k++) {
      const v = (this.cursor + k) % n;
      const off = this.offTimes[v] as number;
      if (off <= time) {
        if (released < 0 || off < (this.offTimes[released] as number)) released = v;
      } else if (playing < 0 || (this.onTimes[v] as number) < (this.onTimes[playing] as number)) {
        playing = v;
      }
    }
    return released >= 0 ? released : playing;
  }

  /** Records a note on `voice` at `time` that lasts until `until` (Infinity = until released). */
  started(voice: number, time: number, until = Number.POSITIVE_INFINITY): void {
    this.used[voice] = 1;
    this.onTimes[voice] = time;
    this.offTimes[voice] = until;
    this.cursor = (voice + 1) % this.voices;
  }

  /** Records that `voice` was released (or ended) at `time`. */
  released(voice: number, time: number): void {
    if (this.used[voice] === 1 && time < (this.offTimes[voice] as number)) this.offTimes[voice] = time;
  }

  /** Forgets every note. */
  clear(): void {
    this.used.fill(0);
    this.cursor = 0;
  }
}
