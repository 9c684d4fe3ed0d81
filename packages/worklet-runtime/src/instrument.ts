// The one interface every kind of instrument implements, so callers can swap them.
import type { InstrumentMix } from './mix-group.js';

/** Starts a note. Give `period` (Amiga, PAL clock) or `frequency` (Hz), not both. */
export interface NoteOnEvent {
  /** Context time in seconds. */
  readonly time: number;
  /** 0..voices-1; absent = round-robin with release-aware stealing. */
  readonly voice?: number;
  readonly period?: number;
  readonly frequency?: number;
  /** 0..64; absent = the patch's volume. */
  readonly volume?: number;
  /** -1 (left) .. 1 (right); 0 by default. */
  readonly pan?: number;
  /** Start frame in the sample (ProTracker 9xx). */
  readonly offset?: number;
  /** 0..1; 1 by default. */
  readonly velocity?: number;
}

/** Changes a sounding voice without retriggering it (slides, vibrato, volume and pan effects). */
export interface SetEvent {
  readonly time: number;
  readonly voice: number;
  readonly period?: number;
  readonly frequency?: number;
  readonly volume?: number;
  readonly pan?: number;
}

/** Releases one voice, or every voice when `voice` is absent. */
export interface NoteOffEvent {
  readonly time: number;
  readonly voice?: number;
}

/** Peak and RMS level per channel ([left, right]) of the last rendered quantum, after gain, pan and mute. */
export interface InstrumentMeter {
  readonly peak: readonly [number, number];
  readonly rms: readonly [number, number];
}

/** An instrument: pooled, dedicated or sample-only, all driven the same way. */
export interface Instrument {
  readonly id: string;
  readonly voices: number;
  /**
   * This instrument's own GainNode: route, meter or mute it freely. In a pool created
   * with `outputs: 'shared'` it is the pool's mix bus, which carries every instrument.
   */
  readonly output: AudioNode;
  /** Schedules a note; returns the voice used. */
  noteOn(event: NoteOnEvent): number;
  /** Changes pitch, volume or pan of a voice without retriggering it. */
  set(event: SetEvent): void;
  /** Releases a voice, or all of them. */
  noteOff(event: NoteOffEvent): void;
  /** Gain, pan, mute and solo as last set. */
  readonly mix: InstrumentMix;
  /** Linear gain 0..16 (1: unity), at context time `time` (default: now); ramps over 1 ms when declicking. */
  setGain(gain: number, time?: number): void;
  /** Pan -1..1 of the whole instrument, at context time `time` (default: now); ramps like the gain. */
  setPan(pan: number, time?: number): void;
  /** Mutes or unmutes the instrument at context time `time` (default: now), ramped like the gain. */
  setMute(mute: boolean, time?: number): void;
  /** Solos the instrument at `time` (default: now): while any instrument of its pool is soloed, the others are muted. */
  setSolo(solo: boolean, time?: number): void;
  /** The instrument's level over the last rendered quantum (2.7 ms at 48 kHz). */
  meter(): Promise<InstrumentMeter>;
  /** Resolves once everything scheduled so far has reached the audio thread. */
  flush(): Promise<void>;
  /** Stops the instrument and frees its voices; later calls throw DISPOSED. */
  dispose(): void;
}
