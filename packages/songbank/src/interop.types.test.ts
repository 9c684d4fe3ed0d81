// Type-level checks, enforced by the package's typecheck: createSongBank takes
// standardized-audio-context's contexts, nodes and AudioWorkletNode (the library Tone.js
// builds on) as well as the DOM's.
import type {
  IAudioContext,
  IAudioNode,
  IOfflineAudioContext,
  AudioWorkletNode as StandardizedAudioWorkletNode,
} from 'standardized-audio-context';
import { describe, expectTypeOf, it } from 'vitest';
import { createSongBank, type SongBank } from './song-bank.js';

type Ctor = NonNullable<typeof StandardizedAudioWorkletNode>;

describe('standardized-audio-context interop (types)', () => {
  it('createSongBank takes its contexts, nodes and AudioWorkletNode', () => {
    expectTypeOf(createSongBank).toBeCallableWith({} as IAudioContext, {
      AudioWorkletNode: {} as Ctor,
      destination: {} as IAudioNode<IAudioContext>,
    });
    expectTypeOf(createSongBank).toBeCallableWith({} as IOfflineAudioContext, {
      AudioWorkletNode: {} as Ctor,
    });
    expectTypeOf(createSongBank).returns.resolves.toEqualTypeOf<SongBank>();
  });

  it('and the DOM types as before', () => {
    expectTypeOf(createSongBank).toBeCallableWith({} as AudioContext, { destination: {} as GainNode });
  });
});
