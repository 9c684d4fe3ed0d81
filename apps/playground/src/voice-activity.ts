// Which voice of which instrument sounds right now. The song player drives voice N of an
// instrument from channel N, so a second sequencer over the same song, stepped along
// the same clock, tells exactly which (instrument, voice) pairs are sounding.
import {
  type ChannelTick,
  createSequencer,
  instrumentId,
  type Sequencer,
  type Song,
} from '@workletpool/songbank';

/** One sounding voice. */
export interface SoundingVoice {
  readonly instrument: string;
  readonly voice: number;
  /** 0..64. */
  readonly volume: number;
}

/** Most ticks followed in one call, so a long-hidden tab does not stall the page when it returns. */
const MAX_TICKS_PER_STEP = 20_000;

/** Follows a playing song tick by tick on the audio clock. */
export class VoiceActivity {
  private readonly sequencer: Sequencer;
  private nextTickAt: number;
  private channels: readonly ChannelTick[] = [];
  private ended = false;

  /** `startTime`: context time of the song's first tick; `loop` as given to play(). */
  constructor(song: Song, startTime: number, loop: boolean) {
    this.sequencer = createSequencer(song, { loop });
    this.nextTickAt = startTime;
  }

  /** Moves to the tick sounding at context time `now`. */
  advance(now: number): void {
    let steps = 0;
    while (!this.ended && this.nextTickAt <= now && steps < MAX_TICKS_PER_STEP) {
      const tick = this.sequencer.next();
      steps++;
      if (tick === null) {
        this.ended = true;
        this.channels = [];
        return;
      }
      this.channels = tick.channels;
      this.nextTickAt += tick.duration;
    }
  }

  /** The voices sounding at the last `advance` time. */
  sounding(): SoundingVoice[] {
    const voices: SoundingVoice[] = [];
    this.channels.forEach((channel, index) => {
      if (channel.sample >= 0 && channel.period > 0 && channel.volume > 0) {
        voices.push({ instrument: instrumentId(channel.sample), voice: index, volume: channel.volume });
      }
    });
    return voices;
  }
}
