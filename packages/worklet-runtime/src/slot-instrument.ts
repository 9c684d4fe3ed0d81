// An instrument that plays through one slot of an engine node: the shared body of
// PooledInstrument (a slot in a shared node) and DedicatedInstrument (a node of its own).
import type { EngineNode } from './engine-node.js';
import { WorkletRuntimeError } from './errors.js';
import { checkMixTime, checkMixValue, checkNoteOff, checkNoteOn, checkSet, flagChange } from './events.js';
import type { Instrument, InstrumentMeter, NoteOffEvent, NoteOnEvent, SetEvent } from './instrument.js';
import { isLoop } from './loop.js';
import { type InstrumentMix, type MixMember, SoloGroup } from './mix-group.js';
import type { ResolvedPatch } from './patch.js';
import { samplerStep } from './pitch.js';
import { METER_FIELDS, type MixMessage } from './protocol.js';
import { claimSlot, releaseSlotAfterTail } from './tails.js';
import { VoicePicker } from './voice-picker.js';

/** Where an instrument lives inside an engine node. */
export interface SlotPlacement {
  readonly engine: EngineNode;
  readonly slot: number;
  /** First engine voice of the instrument's range. */
  readonly start: number;
}

/**
 * Sample bytes per message. Only the audio thread can write the engine's memory, so a
 * large sample crosses in chunks: each message handler copies at most this much and the
 * audio thread renders between them.
 */
export const SAMPLE_CHUNK_BYTES = 64 * 1024;

/** Assigns the slot's voice range and loads the patch; resolves once the processor holds it. */
export async function loadSlot(
  placement: SlotPlacement,
  voices: number,
  patch: ResolvedPatch,
  time: number,
): Promise<void> {
  const { engine, slot, start } = placement;
  const frame = engine.frameAt(time);
  const assigned = engine.request({ type: 'assign', frame, slot, start, count: voices });
  if (patch.kind !== 'sampler' || patch.data.byteLength <= SAMPLE_CHUNK_BYTES) {
    const transfer = patch.kind === 'sampler' ? [patch.data] : [];
    await Promise.all([assigned, engine.request({ type: 'load', frame, slot, patch }, transfer)]);
    return;
  }
  const data = patch.data;
  const chunks = Math.ceil(data.byteLength / SAMPLE_CHUNK_BYTES) - 1;
  const first = data.slice(0, SAMPLE_CHUNK_BYTES);
  const loaded = engine.request({ type: 'load', frame, slot, patch: { ...patch, data: first }, chunks }, [
    first,
  ]);
  for (let offset = SAMPLE_CHUNK_BYTES; offset < data.byteLength; offset += SAMPLE_CHUNK_BYTES) {
    const bytes = data.slice(offset, offset + SAMPLE_CHUNK_BYTES);
    engine.post({ type: 'sample-data', slot, offset, data: bytes }, [bytes]);
  }
  await Promise.all([assigned, loaded]);
}

/** Plays one slot of an engine node; subclasses decide what disposing frees. */
export abstract class SlotInstrument implements Instrument, MixMember {
  readonly id: string;
  readonly voices: number;
  readonly output: GainNode;
  protected placement: SlotPlacement;
  private readonly picker: VoicePicker;
  private readonly oneShotFrames: number;
  private readonly baseFrequency: number;
  private readonly finetune: number;
  private disposed = false;
  private mixState: InstrumentMix = { gain: 1, pan: 0, mute: false, solo: false };
  /** The effective mute the engine holds for this slot. */
  private engineMute = false;
  private readonly group: SoloGroup;

  protected constructor(
    id: string,
    voices: number,
    patch: ResolvedPatch,
    placement: SlotPlacement,
    output: GainNode,
    /** Whose solos mute this instrument (a pool's instruments); absent: a group of its own. */
    group?: SoloGroup,
  ) {
    this.id = id;
    this.voices = voices;
    this.placement = placement;
    this.output = output;
    this.picker = new VoicePicker(voices);
    const looped = patch.kind === 'sampler' && isLoop(patch.loopLength);
    this.oneShotFrames = patch.kind === 'sampler' && !looped ? patch.frames : Number.POSITIVE_INFINITY;
    this.baseFrequency = patch.kind === 'sampler' ? patch.baseFrequency : 1;
    this.finetune = patch.kind === 'sampler' ? patch.finetune : 0;
    this.group = group ?? new SoloGroup();
    this.group.add(this);
  }

  /** Connects slot `slot` of `engine` to this instrument's output (a shared output is wired by its pool). */
  protected static wire(placement: SlotPlacement, output: GainNode): void {
    claimSlot(placement.engine, placement.slot);
    placement.engine.connectSlot(placement.slot, output);
  }

  protected where(method: string): string {
    if (this.disposed) throw new WorkletRuntimeError('DISPOSED', `instrument '${this.id}' was disposed`);
    return `instrument '${this.id}' ${method}`;
  }

  /** Records that one of this instrument's voices ended on its own at `time`. */
  voiceEnded(engineVoice: number, time: number): void {
    const local = engineVoice - this.placement.start;
    if (local >= 0 && local < this.voices) this.picker.released(local, time);
  }

  noteOn(event: NoteOnEvent): number {
    const e = checkNoteOn(this.where('noteOn'), event, this.voices);
    // Voices that ended on their own are free again (shared memory: read now).
    this.placement.engine.pollEnded();
    const voice = e.voice ?? this.picker.pick(e.time);
    const { engine, slot, start } = this.placement;
    engine.post({
      type: 'note-on',
      frame: engine.frameAt(e.time),
      slot,
      voice: start + voice,
      ...e.pitch,
      ...(e.volume === undefined ? {} : { volume: e.volume }),
      pan: e.pan,
      offset: e.offset,
      velocity: e.velocity,
    });
    // A one-shot frees its voice at its end, unless a later pitch change moves that end.
    const rate = samplerStep(e.pitch, engine.context.sampleRate, this.baseFrequency, this.finetune);
    const until = e.time + Math.max(0, this.oneShotFrames - e.offset) / rate / engine.context.sampleRate;
    this.picker.started(voice, e.time, until);
    return voice;
  }

  set(event: SetEvent): void {
    const e = checkSet(this.where('set'), event, this.voices);
    const { engine, slot, start } = this.placement;
    engine.post({
      type: 'set',
      frame: engine.frameAt(e.time),
      slot,
      voice: start + e.voice,
      ...(e.pitch ?? {}),
      ...(e.volume === undefined ? {} : { volume: e.volume }),
      ...(e.pan === undefined ? {} : { pan: e.pan }),
    });
  }

  noteOff(event: NoteOffEvent): void {
    const e = checkNoteOff(this.where('noteOff'), event, this.voices);
    const { engine, slot, start } = this.placement;
    const frame = engine.frameAt(e.time);
    const first = e.voice ?? 0;
    const last = e.voice ?? this.voices - 1;
    for (let v = first; v <= last; v++) {
      engine.post({ type: 'note-off', frame, slot, voice: start + v });
      this.picker.released(v, e.time);
    }
  }

  get mix(): InstrumentMix {
    return this.mixState;
  }

  setGain(gain: number, time?: number): void {
    const where = this.where('setGain');
    const value = checkMixValue(where, 'gain', gain);
    const at = checkMixTime(where, time);
    this.mixState = { ...this.mixState, gain: value };
    this.postMix({ gain: value }, at);
  }

  setPan(pan: number, time?: number): void {
    const where = this.where('setPan');
    const value = checkMixValue(where, 'pan', pan);
    const at = checkMixTime(where, time);
    this.mixState = { ...this.mixState, pan: value };
    this.postMix({ pan: value }, at);
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
    if (this.disposed || muted === this.engineMute) return;
    this.engineMute = muted;
    this.postMix({ mute: muted }, time);
  }

  async meter(): Promise<InstrumentMeter> {
    this.where('meter');
    const { engine, slot } = this.placement;
    const m = await engine.meters();
    const at = slot * METER_FIELDS;
    return {
      peak: [m[at] as number, m[at + 1] as number],
      rms: [m[at + 2] as number, m[at + 3] as number],
    };
  }

  private postMix(
    fields: Omit<MixMessage, 'type' | 'id' | 'frame' | 'slot'>,
    time: number | undefined,
  ): void {
    const { engine, slot } = this.placement;
    engine.post({ type: 'mix', frame: engine.frameAt(time ?? engine.context.currentTime), slot, ...fields });
  }

  /**
   * Gives a new slot this instrument's mix (a load starts a slot at unity, unmuted), so
   * compaction and fault recovery move it along with the instrument.
   */
  protected resendMix(): void {
    const { gain, pan } = this.mixState;
    if (gain === 1 && pan === 0 && !this.engineMute) return;
    this.postMix({ gain, pan, mute: this.engineMute }, undefined);
  }

  async flush(): Promise<void> {
    this.where('flush');
    await this.placement.engine.flush();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.group.delete(this);
    const { engine, slot } = this.placement;
    // A shared output belongs to the pool and carries the other instruments too.
    const output = this.output;
    const disconnectOutput = engine.sharedOutput ? undefined : () => output.disconnect();
    try {
      engine.post({ type: 'release', frame: engine.frameAt(engine.context.currentTime), slot });
      // The released voices fade out over their tail: disconnect once it has played.
      releaseSlotAfterTail(engine, slot, output, disconnectOutput);
    } catch {
      // The node may already be gone (its pool was disposed); there is nothing left to free.
      disconnectOutput?.();
    }
    this.released();
  }

  /** What the subclass frees after the slot was emptied. */
  protected abstract released(): void;
}
