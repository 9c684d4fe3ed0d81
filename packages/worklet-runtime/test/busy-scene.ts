// A deterministic, busy scene for the audio-thread allocation test: four slots of four
// voices (three samplers, one of them a short one-shot that keeps ending, and a synth),
// notes every other quantum that keep stealing sounding voices, sets, note-offs, mixer
// changes (gain, pan, mute), and now and then a slot released and loaded again.
import { resolvePatch } from '../src/patch.js';
import type { EventMessage, PatchMessage } from '../src/protocol.js';

/** What the scene does before one quantum. */
export interface SceneStep {
  readonly events: EventMessage[];
  /** Slots released and loaded again (assign + load of the same patch) before this quantum. */
  readonly reload: number[];
}

/** The four slots' patches, fresh each call (a load transfers its sample bytes). */
export function scenePatches(): PatchMessage[] {
  return [
    resolvePatch(
      {
        kind: 'sampler',
        data: Int8Array.from({ length: 300 }, (_, i) => ((i * 13) % 200) - 100),
        loopStart: 0,
        loopLength: 0,
      },
      'scene',
    ),
    resolvePatch(
      {
        kind: 'sampler',
        data: Int16Array.from({ length: 4000 }, (_, i) => Math.round(Math.sin(i / 7) * 20000)),
        loopStart: 1000,
        loopLength: 3000,
      },
      'scene',
    ),
    resolvePatch(
      {
        kind: 'sampler',
        data: Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i / 3) * 0.5),
        loopStart: 0,
        loopLength: 0,
      },
      'scene',
    ),
    resolvePatch(
      {
        kind: 'synth',
        waveform: 'saw',
        attack: 0.001,
        decay: 0.01,
        sustain: 0.5,
        release: 0.005,
        cutoff: 3000,
        resonance: 0.2,
      },
      'scene',
    ),
  ];
}

/** Slots in the scene; slot s owns voices 4s..4s+3. */
export const SCENE_SLOTS = 4;

/** The scene's step before quantum `q` (events land inside the quantum after it). */
export function sceneStep(q: number, nextId: () => number): SceneStep {
  const events: EventMessage[] = [];
  const base = (q + 1) * 128;
  if (q % 2 === 0) {
    const slot = (q >> 1) % SCENE_SLOTS;
    const voice = slot * 4 + ((q >> 3) % 4);
    events.push({
      type: 'note-on',
      id: nextId(),
      frame: base + ((q * 37) % 128),
      slot,
      voice,
      ...(slot === 3 ? { frequency: 110 + (q % 200) } : { period: 200 + (q % 300) }),
      pan: ((q % 9) - 4) / 4,
      offset: slot === 1 ? q % 500 : 0,
      velocity: 0.8,
    });
  }
  if (q % 3 === 0) {
    const slot = (q / 3) % SCENE_SLOTS;
    events.push({
      type: 'set',
      id: nextId(),
      frame: base + ((q * 11) % 128),
      slot,
      voice: slot * 4 + (q % 4),
      volume: q % 65,
      pan: Math.sin(q) * 0.9,
      ...(slot === 3 ? { frequency: 220 } : { period: 300 }),
    });
  }
  if (q % 5 === 0) {
    const slot = (q / 5) % SCENE_SLOTS;
    events.push({ type: 'note-off', id: nextId(), frame: base + 64, slot, voice: slot * 4 + ((q >> 2) % 4) });
  }
  if (q % 7 === 0) {
    // The mixer: gain, pan and mute of a slot (solo reaches the engine as mute).
    const slot = (q / 7) % SCENE_SLOTS;
    events.push({
      type: 'mix',
      id: nextId(),
      frame: base + ((q * 5) % 128),
      slot,
      gain: (q % 11) / 5,
      ...(q % 2 === 0 ? { pan: Math.cos(q) } : {}),
      ...(q % 3 === 0 ? { mute: q % 6 === 0 } : {}),
    });
  }
  const reload = q > 0 && q % 350 === 0 ? [(q / 350) % SCENE_SLOTS] : [];
  return { events, reload };
}
