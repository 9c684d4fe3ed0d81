// Type-level checks, enforced by the package's typecheck: createWorkletPool takes
// standardized-audio-context's contexts, nodes and AudioWorkletNode (the library Tone.js
// builds on) as well as the DOM's. The Chromium suite plays through them for real.
import type {
  IAudioContext,
  IAudioNode,
  IOfflineAudioContext,
  AudioWorkletNode as StandardizedAudioWorkletNode,
} from 'standardized-audio-context';
import { describe, expectTypeOf, it } from 'vitest';
import type { AudioContextLike, AudioNodeLike, AudioWorkletNodeConstructor } from './engine-node.js';
import { createWorkletPool, type WorkletPool } from './worklet-pool.js';

type Ctor = NonNullable<typeof StandardizedAudioWorkletNode>;

describe('standardized-audio-context interop (types)', () => {
  it('its contexts, nodes and AudioWorkletNode constructor are accepted', () => {
    expectTypeOf<IAudioContext>().toExtend<AudioContextLike>();
    expectTypeOf<IOfflineAudioContext>().toExtend<AudioContextLike>();
    expectTypeOf<IAudioNode<IAudioContext>>().toExtend<AudioNodeLike>();
    expectTypeOf<Ctor>().toExtend<AudioWorkletNodeConstructor>();
    expectTypeOf(createWorkletPool).toBeCallableWith({} as IOfflineAudioContext, {
      AudioWorkletNode: {} as Ctor,
      destination: {} as IAudioNode<IOfflineAudioContext>,
    });
    expectTypeOf(createWorkletPool).returns.resolves.toEqualTypeOf<WorkletPool>();
  });

  it('the DOM types are still accepted', () => {
    expectTypeOf<BaseAudioContext>().toExtend<AudioContextLike>();
    expectTypeOf<typeof globalThis.AudioWorkletNode>().toExtend<AudioWorkletNodeConstructor>();
    expectTypeOf(createWorkletPool).toBeCallableWith({} as OfflineAudioContext, {
      AudioWorkletNode: globalThis.AudioWorkletNode,
      destination: {} as GainNode,
    });
  });
});
