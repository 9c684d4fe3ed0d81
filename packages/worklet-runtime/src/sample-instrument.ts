// The path without any worklet: each note is an AudioBufferSourceNode. Same interface,
// so a caller can fall back to it where AudioWorklet is unavailable or not wanted.
import { WorkletRuntimeError } from './errors.js';
import {
  checkMixTime,
  checkMixValue,
  checkNoteOff,
  checkNoteOn,
  checkSet,
  checkVoices,
  flagChange,
} from './events.js';
import type { Instrument, InstrumentMeter, NoteOffEvent, NoteOnEvent, SetEvent } from './instrument.js';
import { isLoop } from './loop.js';
import { type InstrumentMix, type MixMember, SoloGroup } from './mix-group.js';
import { type InstrumentPatch, resolvePatch, type SamplerPatch } from './patch.js';
import { samplerStep } from './pitch.js';
import type { SamplerPatchMessage } from './protocol.js';
import { VoicePicker } from './voice-picker.js';

/** Options of createSampleInstrument. */
export interface SampleInstrumentOptions {
  readonly voices: number;
  /** Where the instrument's output goes (default: the context's destination). */
  readonly destination?: AudioNode;
}

interface Voice {
  source: AudioBufferSourceNode | null;
  readonly left: GainNode;
  readonly right: GainNode;
  volume: number;
  pan: number;
  velocity: number;
}

function toFloat(patch: SamplerPatch): Float32Array<ArrayBuffer> {
  const data = patch.data;
  const out = new Float32Array(data.length);
  const scale = data instanceof Int8Array ? 1 / 128 : data instanceof Int16Array ? 1 / 32768 : 1;
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) * scale;
  return out;
}

/** A sampler instrument built from AudioBufferSourceNodes (no AudioWorklet, no WASM). */
export class SampleInstrument implements Instrument, MixMember {
  readonly id: string;
  readonly voices: number;
  readonly output: GainNode;
  private readonly context: BaseAudioContext;
  private readonly buffer: AudioBuffer;
  private readonly patch: SamplerPatchMessage;
  private readonly voiceState: Voice[] = [];
  private readonly picker: VoicePicker;
  private disposed = false;
  private mixState: InstrumentMix = { gain: 1, pan: 0, mute: false, solo: false };
  private muted = false;
  private readonly group = new SoloGroup();
  /** The mix's gains per channel, between the voices and the output. */
  private readonly busLeft: GainNode;
  private readonly busRight: GainNode;
  /** The last 128 frames of each channel, for the meter. */
  private readonly taps: readonly [AnalyserNode, AnalyserNode];
  private readonly tapData = new Float32Array(128);

  private constructor(
    context: BaseAudioContext,
    id: string,
    patch: SamplerPatch,
    options: SampleInstrumentOptions,
  ) {
    const where = `createSampleInstrument('${id}')`;
    this.voices = checkVoices(where, options?.voices, 64);
    const resolved = resolvePatch(patch, where);
    if (resolved.kind !== 'sampler') {
      throw new WorkletRuntimeError(
        'INVALID_PATCH',
        `${where}: a SampleInstrument plays sampler patches only`,
      );
    }
    this.patch = resolved;
    this.id = id;
    this.context = context;
    this.picker = new VoicePicker(this.voices);
    // One frame of the buffer per output frame at playback rate 1, like the engine.
    this.buffer = context.createBuffer(1, resolved.frames, context.sampleRate);
    this.buffer.copyToChannel(toFloat(patch), 0);
    this.output = context.createGain();
    this.output.connect(options.destination ?? context.destination);
    const merger = context.createChannelMerger(2);
    merger.connect(this.output);
    this.busLeft = context.createGain();
    this.busRight = context.createGain();
    this.busLeft.connect(merger, 0, 0);
    this.busRight.connect(merger, 0, 1);
    this.taps = [context.createAnalyser(), context.createAnalyser()];
    for (const tap of this.taps) tap.fftSize = 128;
    this.busLeft.connect(this.taps[0]);
    this.busRight.connect(this.taps[1]);
    this.group.add(this);
    for (let v = 0; v < this.voices; v++) {
      const left = context.createGain();
      const right = context.createGain();
      left.connect(this.busLeft);
      right.connect(this.busRight);
      this.voiceState.push({ source: null, left, right, volume: resolved.volume, pan: 0, velocity: 1 });
    }
  }

  /** Builds the instrument (sampler patches only). */
  static create(
    context: BaseAudioContext,
    id: string,
    patch: InstrumentPatch,
    options: SampleInstrumentOptions,
  ): Promise<SampleInstrument> {
    try {
      if (patch?.kind !== 'sampler') {
        throw new WorkletRuntimeError(
          'INVALID_PATCH',
          `createSampleInstrument('${id}'): a SampleInstrument plays sampler patches only, got ${String(patch?.kind)}`,
        );
      }
      return Promise.resolve(new SampleInstrument(context, id, patch, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private where(method: string): string {
    if (this.disposed) throw new WorkletRuntimeError('DISPOSED', `instrument '${this.id}' was disposed`);
    return `instrument '${this.id}' ${method}`;
  }

  private gains(v: Voice, time: number): void {
    const level = (v.volume / 64) * v.velocity;
    v.left.gain.setValueAtTime(level * Math.min(1, 1 - v.pan), time);
    v.right.gain.setValueAtTime(level * Math.min(1, 1 + v.pan), time);
  }

  noteOn(event: NoteOnEvent): number {
    const e = checkNoteOn(this.where('noteOn'), event, this.voices);
    const index = e.voice ?? this.picker.pick(e.time);
    const v = this.voiceState[index] as Voice;
    v.source?.stop(e.time);
    const p = this.patch;
    const rate = samplerStep(e.pitch, this.context.sampleRate, p.baseFrequency, p.finetune);
    const looped = isLoop(p.loopLength);
    const source = this.context.createBufferSource();
    source.buffer = this.buffer;
    // quirk #1 (node-web-audio-api; src/host-quirks.test.ts): an automation event at the
    // start time alone leaves the first render quantum at rate 1, so the intrinsic value
    // is set too.
    source.playbackRate.value = rate;
    source.playbackRate.setValueAtTime(rate, e.time);
    if (looped) {
      source.loop = true;
      source.loopStart = p.loopStart / this.context.sampleRate;
      source.loopEnd = (p.loopStart + p.loopLength) / this.context.sampleRate;
    }
    source.connect(v.left);
    source.connect(v.right);
    v.volume = e.volume ?? p.volume;
    v.pan = e.pan;
    v.velocity = e.velocity;
    this.gains(v, e.time);
    const offset = looped && e.offset >= p.loopStart + p.loopLength ? p.loopStart : e.offset;
    // An offset past a one-shot's end plays nothing, as in the engine.
    if (offset < p.frames) {
      source.start(e.time, offset / this.context.sampleRate);
      v.source = source;
    } else {
      v.source = null;
    }
    const until = looped
      ? Number.POSITIVE_INFINITY
      : e.time + Math.max(0, p.frames - offset) / rate / this.context.sampleRate;
    this.picker.started(index, e.time, until);
    return index;
  }

  set(event: SetEvent): void {
    const e = checkSet(this.where('set'), event, this.voices);
    const v = this.voiceState[e.voice] as Voice;
    if (e.pitch && v.source) {
      const p = this.patch;
      v.source.playbackRate.setValueAtTime(
        samplerStep(e.pitch, this.context.sampleRate, p.baseFrequency, p.finetune),
        e.time,
      );
    }
    if (e.volume !== undefined) v.volume = e.volume;
    if (e.pan !== undefined) v.pan = e.pan;
    if (e.volume !== undefined || e.pan !== undefined) this.gains(v, e.time);
  }

  noteOff(event: NoteOffEvent): void {
    const e = checkNoteOff(this.where('noteOff'), event, this.voices);
    const first = e.voice ?? 0;
    const last = e.voice ?? this.voices - 1;
    for (let i = first; i <= last; i++) {
      const v = this.voiceState[i] as Voice;
      // quirk #2 (node-web-audio-api; src/host-quirks.test.ts): a second stop() throws
      // InvalidStateError where the spec lets the last call win, so a source stops once.
      v.source?.stop(e.time);
      v.source = null;
      this.picker.released(i, e.time);
    }
  }

  flush(): Promise<void> {
    this.where('flush');
    return Promise.resolve();
  }

  get mix(): InstrumentMix {
    return this.mixState;
  }

  setGain(gain: number, time?: number): void {
    const where = this.where('setGain');
    const value = checkMixValue(where, 'gain', gain);
    this.mixState = { ...this.mixState, gain: value };
    this.applyMix(checkMixTime(where, time));
  }

  setPan(pan: number, time?: number): void {
    const where = this.where('setPan');
    const value = checkMixValue(where, 'pan', pan);
    this.mixState = { ...this.mixState, pan: value };
    this.applyMix(checkMixTime(where, time));
  }

  setMute(mute: boolean, time?: number): void {
    const change = flagChange(this.where('setMute'), this.mixState, 'mute', mute, time);
    this.mixState = change.mix;
    this.group.refresh(change.at);
  }

  setSolo(solo: boolean, time?: number): void {
    const change = flagChange(this.where('setSolo'), this.mixState, 'solo', solo, time);
    this.mixState = change.mix;
    this.group.refresh(change.at);
  }

  /** @internal Called by the solo group with this instrument's effective mute. */
  applyMute(muted: boolean, time?: number): void {
    if (this.disposed || muted === this.muted) return;
    this.muted = muted;
    this.applyMix(time);
  }

  /** The bus gains move to the mix over 1 ms from `time`, as the engine's slot gains do. */
  private applyMix(time: number | undefined): void {
    const { gain, pan } = this.mixState;
    const level = this.muted ? 0 : gain;
    const at = Math.max(time ?? 0, this.context.currentTime);
    const targets: [GainNode, number][] = [
      [this.busLeft, level * Math.min(1, 1 - pan)],
      [this.busRight, level * Math.min(1, 1 + pan)],
    ];
    for (const [bus, target] of targets) {
      bus.gain.setValueAtTime(bus.gain.value, at);
      bus.gain.linearRampToValueAtTime(target, at + 0.001);
    }
  }

  async meter(): Promise<InstrumentMeter> {
    this.where('meter');
    const peak: [number, number] = [0, 0];
    const rms: [number, number] = [0, 0];
    this.taps.forEach((tap, c) => {
      tap.getFloatTimeDomainData(this.tapData);
      let max = 0;
      let sum = 0;
      for (const x of this.tapData) {
        max = Math.max(max, Math.abs(x));
        sum += x * x;
      }
      peak[c] = max;
      rms[c] = Math.sqrt(sum / this.tapData.length);
    });
    return { peak, rms };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.voiceState) {
      try {
        v.source?.stop();
      } catch {
        // A source that never started cannot stop; it is silent either way.
      }
      v.source?.disconnect();
    }
    this.output.disconnect();
  }
}

/** Creates a sampler instrument that uses no worklet (AudioBufferSourceNodes). */
export function createSampleInstrument(
  context: BaseAudioContext,
  id: string,
  patch: InstrumentPatch,
  options: SampleInstrumentOptions,
): Promise<SampleInstrument> {
  return SampleInstrument.create(context, id, patch, options);
}
