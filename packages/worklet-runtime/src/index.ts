// The main entry (`@workletpool/worklet-runtime`): the whole public API, named one by
// one; every other module of src/ is private.

/** An instrument on an AudioWorkletNode of its own (the legacy, unpooled mode). */
export {
  createDedicatedInstrument,
  DedicatedInstrument,
  type DedicatedInstrumentOptions,
} from './dedicated-instrument.js';
/** The types through which a Web Audio implementation's context, nodes and AudioWorkletNode are passed in, and the command transports. */
export type {
  AudioContextLike,
  AudioNodeLike,
  AudioWorkletNodeConstructor,
  CommandTransport,
  ForeignAudioContext,
} from './engine-node.js';
/** One engine processor's node and its port, for hosts and tests that drive the processor themselves. */
export { EngineNode } from './engine-node.js';
/** The package's error class and its stable codes. */
export { WorkletRuntimeError, type WorkletRuntimeErrorCode } from './errors.js';
/** The instrument contract shared by pooled, dedicated and sample-only instruments, and its events. */
export type { Instrument, InstrumentMeter, NoteOffEvent, NoteOnEvent, SetEvent } from './instrument.js';
/** ProTracker's loop rule as the engine applies it, for loaders that decide whether a sample loops. */
export { isLoop, sampleLoops } from './loop.js';
/** An instrument's gain, pan, mute and solo (`Instrument.mix`). */
export type { InstrumentMix } from './mix-group.js';
/** Patches: what a sampler or a synth instrument plays. */
export type { InstrumentPatch, SamplerPatch, SynthPatch } from './patch.js';
/** An instrument in a slot of a shared node. */
export { PooledInstrument } from './pooled-instrument.js';
/** The name the engine processor registers under (it includes the package version). */
export { PROCESSOR_NAME } from './processor-name.js';
/** The worklet message protocol, for hosts that drive the processor themselves. */
export type {
  CommandsMessage,
  EventMessage,
  FromProcessor,
  MetersReply,
  MixMessage,
  ProtocolErrorCode,
  ReportReply,
  ToProcessor,
} from './protocol.js';
/** Packs voice events into one `commands` message of fixed-size records. */
export { encodeCommands } from './protocol.js';
/** A sampler instrument without any worklet (AudioBufferSourceNodes). */
export {
  createSampleInstrument,
  SampleInstrument,
  type SampleInstrumentOptions,
} from './sample-instrument.js';
/** Instruments sharing a few AudioWorkletNodes, placed by a pool-core strategy. */
export {
  createWorkletPool,
  WorkletPool,
  type WorkletPoolOptions,
  type WorkletPoolStats,
  type WorkletRenderStats,
} from './worklet-pool.js';
