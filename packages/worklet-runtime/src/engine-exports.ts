// The WASM engine's exports as the processor and the tests call them (see assembly/index.ts).

/** Functions and memory exported by the engine module. */
export interface EngineExports {
  readonly memory: WebAssembly.Memory;
  /** shared = 1: every slot renders into output 0. */
  init(voices: number, slots: number, records: number, sampleRate: number, shared: number): number;
  /** Returns this engine's region and samples to the scope's shared heap; call nothing afterwards. */
  dispose(): void;
  /** Bytes of shared memory this engine's region takes (or asked for, when init returned -1). */
  engineBytes(): number;
  /** Engines of the scope whose regions are live in the shared memory. */
  engineCount(): number;
  /** 1: gain changes ramp and cut voices fade out over about 1 ms (the default); 0: they step. */
  setDeclick(on: number): void;
  /** Frames of a ramp or tail (0 with declicking off). */
  rampFrames(): number;
  memoryBytes(): number;
  /** Output `index`'s left buffer; the right one follows it. */
  outputPtr(index: number): number;
  /** Per-output u8 flags: 1 where the output was written this quantum. */
  touchedPtr(): number;
  alloc(bytes: number): number;
  free(ptr: number): void;
  freeBytes(): number;
  stageSampler(
    record: number,
    ptr: number,
    frames: number,
    format: number,
    loopStart: number,
    loopLength: number,
    volume: number,
    finetune: number,
    baseFrequency: number,
    interpolate: number,
  ): void;
  stageSynth(
    record: number,
    waveform: number,
    attack: number,
    decay: number,
    sustain: number,
    release: number,
    cutoff: number,
    resonance: number,
    volume: number,
  ): void;
  freeRecord(record: number): void;
  silenceSlot(slot: number): void;
  noteOn(
    voice: number,
    slot: number,
    record: number,
    mode: number,
    pitch: number,
    volume: number,
    pan: number,
    offset: number,
    velocity: number,
    localVoice: number,
  ): number;
  noteOff(voice: number): void;
  setPitch(voice: number, mode: number, value: number): void;
  setVolume(voice: number, volume: number): void;
  setPan(voice: number, pan: number): void;
  setOffset(voice: number, offset: number): void;
  voiceActive(voice: number): number;
  activeVoices(slot: number): number;
  endedPending(): number;
  takeEnded(voice: number): number;
  /** Unity gain, centre, unmuted, at once. */
  resetMix(slot: number): void;
  /** has bits (MixHas): 1 gain, 2 pan, 4 mute; gain and pan in units of 1 / MIX_UNIT; the gains ramp over rampFrames(). */
  setMix(slot: number, has: number, gain: number, pan: number, mute: number): void;
  /** The slots' meters of the last quantum: 4 f32 per slot (peak L, peak R, RMS L, RMS R). */
  meterPtr(): number;
  /** Starts (1) or stops (0) keeping the slot meters (again: no change); unity slots skip their mix pass without them. */
  setMetering(on: number): void;
  /** Quanta metered since metering started. */
  meteredCount(): number;
  beginQuantum(): void;
  render(from: number, to: number): void;
}
