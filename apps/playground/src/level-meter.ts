// Reads the level of any AudioNode through an AnalyserNode tapped off its output. The tap
// is a fan-out connection, so metering never changes what is heard.

/** A peak meter on one node's output. */
export class LevelMeter {
  private readonly analyser: AnalyserNode;
  private readonly samples: Float32Array<ArrayBuffer>;
  private held = 0;
  private source: AudioNode | undefined;

  constructor(context: BaseAudioContext) {
    this.analyser = new AnalyserNode(context, { fftSize: 1024, smoothingTimeConstant: 0 });
    this.samples = new Float32Array(this.analyser.fftSize);
  }

  /** Starts metering `source` (and stops metering the previous one). */
  attach(source: AudioNode): void {
    if (this.source === source) return;
    this.detach();
    source.connect(this.analyser);
    this.source = source;
  }

  /** Stops metering; the meter reads 0 afterwards. */
  detach(): void {
    if (this.source !== undefined) {
      try {
        this.source.disconnect(this.analyser);
      } catch {
        // The source was already disconnected from everything (a disposed instrument).
      }
    }
    this.source = undefined;
    this.held = 0;
  }

  /** Whether the meter reads `source` right now. */
  isAttachedTo(source: AudioNode): boolean {
    return this.source === source;
  }

  /** Peak absolute sample value of the last analyser window (0..1+). */
  peak(): number {
    if (this.source === undefined) return 0;
    this.analyser.getFloatTimeDomainData(this.samples);
    let peak = 0;
    for (const sample of this.samples) {
      const magnitude = Math.abs(sample);
      if (magnitude > peak) peak = magnitude;
    }
    return peak;
  }

  /** The peak with a short fall-off, for drawing (call once per frame). */
  display(): number {
    const peak = this.peak();
    this.held = Math.max(peak, this.held * 0.85);
    return this.held;
  }
}
