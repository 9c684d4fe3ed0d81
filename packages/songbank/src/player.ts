/**
 * Plays a song on a bank: turns sequencer ticks into instrument commands, scheduled
 * ahead of the audio clock in real time or all at once for an offline render. It needs
 * only the narrow PlayerBank it declares, not the whole SongBank.
 */
import type { Instrument } from '@workletpool/worklet-runtime';
import { SequencerError } from './errors.js';
import { type ChannelTick, createSequencer, resolveTempoMode, type Sequencer } from './sequencer.js';
import type { Song } from './song.js';
import { SongBankError } from './song-bank-error.js';
import { instrumentId, songInstruments } from './song-instruments.js';
import type { TempoMode, TempoModeOption } from './tempo-mode.js';

/**
 * What the player needs of a bank, declared here so the player depends on this narrow
 * side rather than on the whole SongBank (which imports the player).
 */
export interface PlayerBank {
  readonly context: BaseAudioContext;
  readonly mode: 'pooled' | 'dedicated' | 'simplified';
  prepareSong(song: Song): Promise<void>;
  instrument(id: string): Instrument | undefined;
  report(): Promise<unknown>;
}

/** Options of `SongBank.play`. */
export interface PlayOptions {
  /**
   * Context time to start at (default: as soon as the instruments are ready, plus a short
   * lead; on an OfflineAudioContext, its current time, 0 before it renders).
   */
  readonly at?: number;
  /** Start again from the restart position at the song's end instead of stopping (default false). */
  readonly loop?: boolean;
  /** Timing of Fxx >= 0x20 (default 'auto': the song's own, see `songTempoMode`). */
  readonly tempoMode?: TempoModeOption;
}

/** Options of `SongBank.render`. */
export interface RenderOptions {
  /** Sample rate of the offline render (default: the bank context's). */
  readonly sampleRate?: number;
  /** Seconds to render (default: the song's length, up to where it would loop). */
  readonly seconds?: number;
  /** Called with the fraction rendered so far, 0..1. */
  readonly onProgress?: (fraction: number) => void;
  /** Timing of Fxx >= 0x20 (default 'auto': the song's own, see `songTempoMode`). */
  readonly tempoMode?: TempoModeOption;
}

/** Options of {@link songDuration}. */
export interface DurationOptions {
  /** Timing of Fxx >= 0x20 (default 'auto': the song's own, see `songTempoMode`). */
  readonly tempoMode?: TempoModeOption;
  /**
   * Count every tick in whole frames at this rate in Hz, as the bank plays the song at
   * it: 2.5 / tempo seconds truncated to whole frames. Default: the exact 2.5 / tempo.
   */
  readonly sampleRate?: number;
}

/**
 * The frames one tick lasts at `sampleRate`: 2.5 / tempo seconds, truncated to whole
 * frames. The bank times ticks this way, as libopenmpt and libxmp do when they mix, so a
 * song keeps their pace: at a tempo whose tick is not a whole number of frames (128 BPM
 * at 48 kHz is 937.5), exact timing would fall behind theirs by up to half a frame a tick,
 * 30 ms a minute. An Amiga's CIA timer ticks within 0.001% of 2.5 / tempo.
 */
function tickFrames(tempo: number, sampleRate: number): number {
  return Math.max(1, Math.trunc((sampleRate * 2.5) / tempo));
}

/** Where a player is in its song. */
export interface SongPosition {
  readonly order: number;
  readonly row: number;
  readonly tick: number;
}

/** A song playing in real time. */
export interface SongPlayer {
  /** Resolves once the instruments are ready and the first notes are scheduled. */
  readonly ready: Promise<void>;
  /** Context time the song starts at (NaN until ready). */
  readonly startTime: number;
  /** Stops every voice now and schedules nothing more. */
  stop(): void;
  /** The order, row and tick sounding at the context's current time. */
  position(): SongPosition;
  /** True once the song has ended (without loop) or stop() was called. */
  readonly finished: boolean;
  /** The timing the song plays with (decided before `ready` resolves; the song's own until then). */
  readonly tempoMode: TempoMode;
}

/** The length of one pass through the song in seconds, up to where it would loop. */
export function songDuration(song: Song, options: DurationOptions = {}): number {
  const sequencer = createSequencer(song, tempoOption(options.tempoMode));
  const { sampleRate } = options;
  if (
    sampleRate !== undefined &&
    !(typeof sampleRate === 'number' && Number.isFinite(sampleRate) && sampleRate >= 1000)
  ) {
    throw new SequencerError(
      'INVALID_OPTION',
      `songDuration(): sampleRate must be a number of Hz >= 1000, got ${String(sampleRate)}`,
    );
  }
  if (sampleRate === undefined) {
    let seconds = 0;
    for (let tick = sequencer.next(); tick !== null; tick = sequencer.next()) seconds += tick.duration;
    return seconds;
  }
  let frames = 0;
  for (let tick = sequencer.next(); tick !== null; tick = sequencer.next())
    frames += tickFrames(tick.tempo, sampleRate);
  return frames / sampleRate;
}

function tempoOption(mode: TempoModeOption | undefined): { tempoMode?: TempoModeOption } {
  return mode === undefined ? {} : { tempoMode: mode };
}

/**
 * How much of full volume each channel of a `channels`-channel song plays at. Four
 * channels play at full volume: hard-panned two to a side under the bank's master gain
 * of 0.5, they cannot clip. A song with more channels plays each at 4/channels, which
 * keeps every side's sum within full scale at any channel count and is the loudness
 * libopenmpt gives MODs: measured against it, a channel of a 6- or 8-channel song plays
 * at 0.66 or 0.50 of a channel of a 4-channel song (OpenMPT lowers its mix level as
 * the channel count grows). Songs with fewer channels are not made louder.
 */
export function channelMixScale(channels: number): number {
  return channels > 4 ? 4 / channels : 1;
}

/**
 * Turns sequencer ticks into instrument commands. Channel N plays voice N of whichever
 * instrument it triggers (modulo the instrument's voices, so a song with more channels
 * than an instrument has voices still plays, those channels sharing a voice).
 */
class ChannelDriver {
  private sounding: Instrument | undefined;
  private voice = 0;
  private period = 0;
  private volume = -1;
  private pan = Number.NaN;
  /** Notes scheduled ahead of the clock, so stop() can cancel those not yet started. */
  private readonly ahead: { instrument: Instrument; voice: number; time: number }[] = [];

  constructor(
    private readonly channel: number,
    /** Scale of every volume sent (see channelMixScale). */
    private readonly scale: number,
  ) {}

  apply(state: ChannelTick, instrument: Instrument | undefined, time: number): void {
    const pan = state.pan / 128;
    if (state.trigger !== undefined && instrument !== undefined && state.period > 0) {
      if (this.sounding !== undefined && this.sounding !== instrument) {
        this.sounding.noteOff({ time, voice: this.voice });
      }
      this.voice = this.channel % instrument.voices;
      instrument.noteOn({
        time,
        voice: this.voice,
        period: state.period,
        volume: state.volume * this.scale,
        pan,
        offset: state.trigger.offset,
      });
      this.ahead.push({ instrument, voice: this.voice, time });
      this.sounding = instrument;
      this.period = state.period;
      this.volume = state.volume;
      this.pan = pan;
      return;
    }
    if (this.sounding === undefined) return;
    if (instrument !== this.sounding || state.period <= 0) {
      this.sounding.noteOff({ time, voice: this.voice });
      this.sounding = undefined;
      return;
    }
    if (state.period !== this.period || state.volume !== this.volume || pan !== this.pan) {
      this.sounding.set({
        time,
        voice: this.voice,
        ...(state.period !== this.period ? { period: state.period } : {}),
        ...(state.volume !== this.volume ? { volume: state.volume * this.scale } : {}),
        ...(pan !== this.pan ? { pan } : {}),
      });
      this.period = state.period;
      this.volume = state.volume;
      this.pan = pan;
    }
  }

  /** Forgets scheduled notes that have started by `now`. */
  prune(now: number): void {
    let started = 0;
    while (started < this.ahead.length && this.ahead[started]!.time <= now) started++;
    // Keep the last started note: it may still sound.
    if (started > 1) this.ahead.splice(0, started - 1);
  }

  /** Releases the sounding voice at `time`, and cancels notes scheduled after it. */
  silence(time: number): void {
    this.sounding?.noteOff({ time, voice: this.voice });
    this.sounding = undefined;
    // A note-off at a note's own frame follows it in the queue, so it cancels it.
    for (const note of this.ahead) {
      if (note.time > time) note.instrument.noteOff({ time: note.time, voice: note.voice });
    }
    this.ahead.length = 0;
  }
}

/** Schedules a song's ticks onto a bank's instruments, in order, up to a horizon. */
class Schedule {
  private readonly drivers: ChannelDriver[];
  private readonly source: Sequencer;
  private readonly positions: { time: number; position: SongPosition }[] = [];
  private readonly trimPositions: boolean;
  private readonly startTime: number;
  private readonly sampleRate: number;
  /** Frames scheduled since startTime: ticks last whole frames (see tickFrames). */
  private frames = 0;
  private time: number;
  ended = false;

  constructor(
    private readonly bank: PlayerBank,
    song: Song,
    startTime: number,
    options: { stereoSeparation: number; loop: boolean; wholeSong?: boolean; tempoMode?: TempoModeOption },
  ) {
    this.time = startTime;
    this.startTime = startTime;
    this.sampleRate = bank.context.sampleRate;
    // A whole song scheduled at once is asked about from its start, so its log stays whole.
    this.trimPositions = options.wholeSong !== true;
    this.source = createSequencer(song, options);
    const scale = channelMixScale(song.channels);
    this.drivers = Array.from({ length: song.channels }, (_, channel) => new ChannelDriver(channel, scale));
  }

  /** Schedules every tick that starts before `horizon` (context seconds). */
  fill(horizon: number, now = 0): void {
    for (const driver of this.drivers) driver.prune(now);
    while (!this.ended && this.time < horizon) {
      const tick = this.source.next();
      if (tick === null) {
        this.ended = true;
        for (const driver of this.drivers) driver.silence(this.time);
        return;
      }
      for (let channel = 0; channel < this.drivers.length; channel++) {
        const state = tick.channels[channel];
        if (state === undefined) continue;
        const instrument = state.sample >= 0 ? this.bank.instrument(instrumentId(state.sample)) : undefined;
        this.drivers[channel]!.apply(state, instrument, this.time);
      }
      this.positions.push({
        time: this.time,
        position: { order: tick.order, row: tick.row, tick: tick.tick },
      });
      // Keep the position log short: a player only asks about the recent past.
      if (this.trimPositions && this.positions.length > 4096) this.positions.splice(0, 2048);
      this.frames += tickFrames(tick.tempo, this.sampleRate);
      this.time = this.startTime + this.frames / this.sampleRate;
    }
  }

  /** The context time up to which ticks are scheduled. */
  get scheduledUntil(): number {
    return this.time;
  }

  silence(time: number): void {
    for (const driver of this.drivers) driver.silence(time);
  }

  positionAt(time: number): SongPosition {
    let found: SongPosition = { order: 0, row: 0, tick: 0 };
    for (let i = this.positions.length - 1; i >= 0; i--) {
      const entry = this.positions[i]!;
      if (entry.time <= time) {
        found = entry.position;
        break;
      }
    }
    return found;
  }

  get tempoMode(): TempoMode {
    return this.source.tempoMode;
  }
}

const LOOKAHEAD = 0.25; // seconds scheduled ahead of the audio clock
const INTERVAL_MS = 50; // how often the scheduler wakes

/**
 * The longest render a real-time bank makes. The whole render stays in memory (two
 * channels of 32-bit floats: about 1.4 GB for an hour at 48 kHz), and a context much
 * larger fails inside the Web Audio implementation (or exhausts memory) instead of
 * with a clear error.
 */
export const MAX_RENDER_SECONDS = 3600;

function isOffline(context: BaseAudioContext): context is OfflineAudioContext {
  return typeof (context as Partial<OfflineAudioContext>).startRendering === 'function';
}

/**
 * Checks render options before any work starts and returns the frames and rate to
 * render. On an offline context the render must fit in it; otherwise `seconds` (default
 * `songSeconds`) and `sampleRate` must make an OfflineAudioContext that can exist.
 */
export function checkRenderOptions(
  options: RenderOptions,
  context: BaseAudioContext,
  songSeconds = Number.NaN,
): { frames: number; sampleRate: number } {
  const { seconds, sampleRate = context.sampleRate, onProgress } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `render(): onProgress must be a function; got ${typeof onProgress}`,
    );
  }
  if (typeof sampleRate !== 'number' || !(sampleRate >= 3000 && sampleRate <= 768_000)) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `render(): sampleRate must be a number of Hz in 3000..768000 (what an OfflineAudioContext accepts); got ${String(sampleRate)}`,
    );
  }
  if (seconds !== undefined && (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0)) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `render(): seconds must be a finite number > 0; got ${String(seconds)}`,
    );
  }
  if (isOffline(context)) {
    const holds = context.length / context.sampleRate;
    if (seconds !== undefined && Math.ceil(seconds * context.sampleRate) > context.length) {
      throw new SongBankError(
        'INVALID_ARGUMENT',
        `render(): seconds is ${seconds}, but this OfflineAudioContext holds ${holds} s (${context.length} frames at ${context.sampleRate} Hz)`,
      );
    }
    return { frames: context.length, sampleRate: context.sampleRate };
  }
  const length = seconds ?? songSeconds;
  if (!(length <= MAX_RENDER_SECONDS)) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `render(): seconds is ${length}${seconds === undefined ? " (the song's length)" : ''}; a render holds at most ${MAX_RENDER_SECONDS} s, all of it in memory`,
    );
  }
  return { frames: Math.max(1, Math.ceil(length * sampleRate)), sampleRate };
}

/**
 * Asks the bank for its audio-thread report at the render's last quantum, so report()
 * still has figures after the context has rendered (it answers nothing after that).
 */
function reportAtLastQuantum(bank: PlayerBank, context: OfflineAudioContext): void {
  const last = Math.floor((context.length - 1) / 128) * 128;
  if (last <= 0 || bank.mode !== 'pooled') return;
  context.suspend(last / context.sampleRate).then(
    async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        // Bounded, so a processor that fails to answer cannot hold the render.
        await Promise.race([
          bank.report(),
          new Promise((resolve) => {
            timer = setTimeout(resolve, 2000);
          }),
        ]);
      } catch {
        // The figures are a courtesy; the render goes on without them.
      } finally {
        clearTimeout(timer);
        await context.resume();
      }
    },
    // A context that started rendering past that point cannot suspend there; no figures then.
    () => undefined,
  );
}

/**
 * Schedules all of `song` on `bank` from `startTime` up to `until` (the song is cut
 * there) and waits until every command has reached its worklet, so an offline render
 * started afterwards plays it exactly: messages posted before startRendering() reach
 * the processors before their first quantum.
 */
async function scheduleWhole(
  bank: PlayerBank,
  song: Song,
  startTime: number,
  until: number,
  options: { stereoSeparation: number; loop: boolean; tempoMode?: TempoModeOption },
): Promise<Schedule> {
  const schedule = new Schedule(bank, song, startTime, { ...options, wholeSong: true });
  schedule.fill(until);
  if (!schedule.ended) schedule.silence(until);
  await Promise.all(
    songInstruments(song).map((instrument) => bank.instrument(instrument.id)?.flush() ?? Promise.resolve()),
  );
  return schedule;
}

/**
 * Plays `song` on `bank`: in real time with lookahead scheduling, or, on an
 * OfflineAudioContext, scheduled whole before it renders (see SongBank.play).
 */
export function startPlayer(
  bank: PlayerBank,
  song: Song,
  options: PlayOptions & { stereoSeparation: number },
): SongPlayer {
  const context = bank.context;
  const at = options.at;
  if (at !== undefined && (typeof at !== 'number' || !Number.isFinite(at) || at < 0)) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `play(): at must be a context time >= 0 in seconds; got ${String(at)}`,
    );
  }
  if (isOffline(context))
    return startOfflinePlayer(bank, context, song, { ...options, at: at ?? context.currentTime });
  let schedule: Schedule | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  let startTime = Number.NaN;
  // Decided now, so a bad option throws from play() rather than rejecting `ready`.
  const tempoMode = resolveTempoMode(song, options.tempoMode);

  const ready = (async () => {
    await bank.prepareSong(song);
    if (stopped) return;
    startTime = options.at ?? context.currentTime + 0.05;
    schedule = new Schedule(bank, song, startTime, {
      stereoSeparation: options.stereoSeparation,
      loop: options.loop ?? false,
      tempoMode,
    });
    schedule.fill(context.currentTime + LOOKAHEAD, context.currentTime);
    timer = setInterval(() => {
      if (schedule === undefined) return;
      schedule.fill(context.currentTime + LOOKAHEAD, context.currentTime);
      if (schedule.ended && context.currentTime >= schedule.scheduledUntil) {
        clearInterval(timer);
        timer = undefined;
      }
    }, INTERVAL_MS);
  })();

  return {
    ready,
    get startTime() {
      return startTime;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      schedule?.silence(context.currentTime);
    },
    position() {
      return schedule?.positionAt(context.currentTime) ?? { order: 0, row: 0, tick: 0 };
    },
    tempoMode,
    get finished() {
      return stopped || (schedule?.ended === true && context.currentTime >= schedule.scheduledUntil);
    },
  };
}

/**
 * play() on an OfflineAudioContext: the song is scheduled whole from `at` to the end of
 * the context once its instruments are ready; `ready` resolves after that, and the caller
 * starts the render. A render started before `ready` would miss notes, so `ready` rejects
 * with INVALID_STATE if the context began rendering meanwhile.
 */
function startOfflinePlayer(
  bank: PlayerBank,
  context: OfflineAudioContext,
  song: Song,
  options: PlayOptions & { stereoSeparation: number; at: number },
): SongPlayer {
  const end = context.length / context.sampleRate;
  if (options.at < context.currentTime || options.at >= end) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `play(): at is ${options.at} s, but this OfflineAudioContext can start a song only from ${context.currentTime} s to before its end at ${end} s`,
    );
  }
  // Asked now, while the context surely has not started: a suspend for a time already
  // being rendered is refused.
  reportAtLastQuantum(bank, context);
  const tempoMode = resolveTempoMode(song, options.tempoMode);
  let schedule: Schedule | undefined;
  let stopped = false;
  const started = () => context.state === 'running' || context.currentTime > 0;
  const tooLate = () =>
    new SongBankError(
      'INVALID_STATE',
      'play(): the OfflineAudioContext started rendering before player.ready resolved; await player.ready, then call startRendering()',
    );
  const ready = (async () => {
    await bank.prepareSong(song);
    if (stopped) return;
    if (started()) throw tooLate();
    schedule = await scheduleWhole(bank, song, options.at, end, {
      stereoSeparation: options.stereoSeparation,
      loop: options.loop ?? false,
      tempoMode,
    });
    if (started()) throw tooLate();
  })();
  // The caller may never await ready; its rejection is also reported through it.
  ready.catch(() => undefined);
  return {
    ready,
    get startTime() {
      return schedule === undefined ? Number.NaN : options.at;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      schedule?.silence(context.currentTime);
    },
    position() {
      return schedule?.positionAt(context.currentTime) ?? { order: 0, row: 0, tick: 0 };
    },
    tempoMode,
    get finished() {
      return stopped || (schedule?.ended === true && context.currentTime >= schedule.scheduledUntil);
    },
  };
}

/**
 * Renders `song` on `bank`, whose context is `context`. Every tick is scheduled before
 * rendering starts (the worklets queue timestamped commands, and messages posted before
 * startRendering() reach them before their first quantum), so the render needs no
 * suspend/resume round trips for the song. Progress follows the context's clock.
 */
export async function renderSong(
  bank: PlayerBank,
  context: OfflineAudioContext,
  song: Song,
  options: RenderOptions & { stereoSeparation: number },
): Promise<AudioBuffer> {
  if (options.sampleRate !== undefined && options.sampleRate !== context.sampleRate) {
    throw new SongBankError(
      'INVALID_ARGUMENT',
      `sampleRate ${options.sampleRate} differs from the offline context's ${context.sampleRate}`,
    );
  }
  await bank.prepareSong(song);
  const total = Math.min(options.seconds ?? Number.POSITIVE_INFINITY, context.length / context.sampleRate);
  // A song longer than the render is cut: every voice stops where the render ends.
  await scheduleWhole(bank, song, 0, total, {
    stereoSeparation: options.stereoSeparation,
    loop: false,
    ...tempoOption(options.tempoMode),
  });
  reportAtLastQuantum(bank, context);
  const onProgress = options.onProgress;
  const timer =
    onProgress === undefined ? undefined : setInterval(() => onProgress(context.currentTime / total), 100);
  try {
    const buffer = await context.startRendering();
    onProgress?.(1);
    return buffer;
  } finally {
    if (timer !== undefined) clearInterval(timer);
  }
}
