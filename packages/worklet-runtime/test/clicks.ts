// The click table: for each event that used to step the output, the largest step between
// two output samples near the event, on real worklets, with declicking on and off, next
// to the signal's own largest step (the same scene without the event). Shared by the
// Node suite and the Chromium page, which pass in their own context and pool factory.
import type { AudioWorkletNodeConstructor } from '../src/engine-node.js';
import type { Instrument } from '../src/instrument.js';
import type { InstrumentPatch } from '../src/patch.js';
import type { WorkletPoolOptions } from '../src/worklet-pool.js';

const RATE = 48000;
/** Frames per cycle of the test sine: 100 Hz at 48 kHz, a slow sine at full scale. */
const CYCLE = 480;
/** The event frame: a quarter cycle after a whole number of cycles (the sine's peak), inside a quantum. */
const F = 2 * CYCLE + CYCLE / 4 + 3;
const FRAMES = 2048;
/** Frames after the event that are measured: the whole tail and then some. */
const AFTER = 256;
const UNIT_PERIOD = 7093789.2 / (2 * RATE);
const at = (frame: number) => frame / RATE;

/** The part of a WorkletPool the table uses (the Node suite's comes from src, the page's from dist). */
interface ClickPool {
  createInstrument(id: string, patch: InstrumentPatch, options: { voices: number }): Promise<Instrument>;
  flush(): Promise<void>;
}

/** What a suite provides: an offline context and the package's pool factory. */
export interface ClickEnv {
  readonly context: (frames: number) => OfflineAudioContext;
  readonly createWorkletPool: (context: BaseAudioContext, options: WorkletPoolOptions) => Promise<ClickPool>;
  readonly AudioWorkletNode?: AudioWorkletNodeConstructor;
}

/** One row of the table. */
export interface ClickRow {
  readonly event: string;
  /** Largest step of the same scene without the event (declicking on). */
  readonly own: number;
  /** Largest step near the event, declicking on. */
  readonly declick: number;
  /** Largest step near the event, declicking off. */
  readonly plain: number;
  /** Largest difference the event made (with declicking on) to the scene without it. */
  readonly changed: number;
}

function sine(frames: number, looped: boolean): InstrumentPatch {
  return {
    kind: 'sampler',
    data: Float32Array.from({ length: frames }, (_, i) => Math.sin((2 * Math.PI * i) / CYCLE)),
    loopStart: 0,
    loopLength: looped ? frames : 0,
  };
}

const LOOPED = sine(CYCLE, true);

interface Scene {
  readonly event: string;
  readonly patch: InstrumentPatch;
  readonly voices: number;
  /** Starts the scene's notes and, when `event` is set, schedules the event at frame F. */
  readonly play: (inst: Instrument, event: boolean) => void;
  /** The scene without the event, where that is not simply the same calls minus the event. */
  readonly controlPatch?: InstrumentPatch;
}

const SCENES: readonly Scene[] = [
  {
    event: 'noteOff mid-cycle',
    patch: LOOPED,
    voices: 4,
    play: (inst, event) => {
      inst.noteOn({ time: 0, voice: 0, period: UNIT_PERIOD });
      if (event) inst.noteOff({ time: at(F), voice: 0 });
    },
  },
  {
    event: 'a note steals a sounding voice',
    patch: LOOPED,
    voices: 2,
    play: (inst, event) => {
      inst.noteOn({ time: 0, period: UNIT_PERIOD, volume: 32 });
      inst.noteOn({ time: at(100), period: UNIT_PERIOD * 2, volume: 32 });
      // Both voices sound: the picker steals the one playing longest (voice 0).
      if (event) inst.noteOn({ time: at(F), period: UNIT_PERIOD * 1.5, volume: 32 });
    },
  },
  {
    event: 'retrigger of the same voice',
    patch: LOOPED,
    voices: 4,
    play: (inst, event) => {
      inst.noteOn({ time: 0, voice: 0, period: UNIT_PERIOD });
      if (event) inst.noteOn({ time: at(F), voice: 0, period: UNIT_PERIOD });
    },
  },
  {
    event: 'set({ volume }) from 64 to 8',
    patch: LOOPED,
    voices: 4,
    play: (inst, event) => {
      inst.noteOn({ time: 0, voice: 0, period: UNIT_PERIOD, volume: 64 });
      if (event) inst.set({ time: at(F), voice: 0, volume: 8 });
    },
  },
  {
    event: 'set({ pan }) from 0 to 1',
    patch: LOOPED,
    voices: 4,
    play: (inst, event) => {
      inst.noteOn({ time: 0, voice: 0, period: UNIT_PERIOD, pan: 0 });
      if (event) inst.set({ time: at(F), voice: 0, pan: 1 });
    },
  },
  {
    event: 'instrument setGain from 1 to 0.125',
    patch: LOOPED,
    voices: 4,
    play: (inst, event) => {
      inst.noteOn({ time: 0, voice: 0, period: UNIT_PERIOD, volume: 64 });
      if (event) inst.setGain(0.125, at(F));
    },
  },
  {
    event: 'instrument setPan from 0 to 1',
    patch: LOOPED,
    voices: 4,
    play: (inst, event) => {
      inst.noteOn({ time: 0, voice: 0, period: UNIT_PERIOD, volume: 64 });
      if (event) inst.setPan(1, at(F));
    },
  },
  {
    event: 'instrument setMute(true)',
    patch: LOOPED,
    voices: 4,
    play: (inst, event) => {
      inst.noteOn({ time: 0, voice: 0, period: UNIT_PERIOD, volume: 64 });
      if (event) inst.setMute(true, at(F));
    },
  },
  {
    event: 'noteOff() of every voice',
    patch: LOOPED,
    voices: 4,
    play: (inst, event) => {
      const periods = [1, 0.75, 1.25, 0.9];
      periods.forEach((p, voice) => {
        inst.noteOn({ time: at(voice * 37), voice, period: UNIT_PERIOD * p });
      });
      if (event) inst.noteOff({ time: at(F) });
    },
  },
  {
    event: 'cut of a long one-shot',
    patch: sine(RATE, false),
    voices: 4,
    play: (inst, event) => {
      inst.noteOn({ time: 0, voice: 0, period: UNIT_PERIOD });
      if (event) inst.noteOff({ time: at(F), voice: 0 });
    },
  },
  {
    event: 'a one-shot ends on a non-zero frame',
    patch: sine(F, false),
    controlPatch: LOOPED,
    voices: 4,
    play: (inst) => {
      inst.noteOn({ time: 0, voice: 0, period: UNIT_PERIOD });
    },
  },
  {
    event: 'a synth voice stolen',
    patch: {
      kind: 'synth',
      waveform: 'sine',
      attack: 0,
      decay: 0,
      sustain: 1,
      release: 0,
      cutoff: 20000,
      resonance: 0,
    },
    voices: 1,
    play: (inst, event) => {
      inst.noteOn({ time: 0, frequency: 100 });
      if (event) inst.noteOn({ time: at(F), frequency: 100 });
    },
  },
];

/** Renders one scene; returns both channels. */
async function render(
  env: ClickEnv,
  patch: InstrumentPatch,
  scene: Scene,
  event: boolean,
  declick: boolean,
): Promise<[Float32Array, Float32Array]> {
  const context = env.context(FRAMES);
  const pool = await env.createWorkletPool(context, {
    declick,
    ...(env.AudioWorkletNode ? { AudioWorkletNode: env.AudioWorkletNode } : {}),
  });
  const inst = await pool.createInstrument('i', patch, { voices: scene.voices });
  scene.play(inst, event);
  await pool.flush();
  const buffer = await context.startRendering();
  return [buffer.getChannelData(0), buffer.getChannelData(1)];
}

/** Largest step between neighbouring samples of either channel in [from, to). */
export function largestStep(channels: readonly Float32Array[], from: number, to: number): number {
  let worst = 0;
  for (const x of channels) {
    for (let i = Math.max(1, from); i < Math.min(to, x.length); i++) {
      worst = Math.max(worst, Math.abs((x[i] as number) - (x[i - 1] as number)));
    }
  }
  return worst;
}

/** Measures every row: the scene without its event, with it (declicking on), with it (off). */
export async function clickTable(env: ClickEnv): Promise<ClickRow[]> {
  const rows: ClickRow[] = [];
  const from = F - 1;
  const to = F + AFTER;
  let control: [Float32Array, Float32Array] | undefined;
  for (const scene of SCENES) {
    const quiet = await render(env, scene.controlPatch ?? scene.patch, scene, false, true);
    const on = await render(env, scene.patch, scene, true, true);
    const off = await render(env, scene.patch, scene, true, false);
    if (control === undefined) control = quiet;
    let changed = 0;
    for (let c = 0; c < 2; c++) {
      for (let i = from; i < to; i++) {
        changed = Math.max(changed, Math.abs((on[c]?.[i] as number) - (quiet[c]?.[i] as number)));
      }
    }
    rows.push({
      event: scene.event,
      own: largestStep(quiet, 1, FRAMES),
      declick: largestStep(on, from, to),
      plain: largestStep(off, from, to),
      changed,
    });
  }
  // The control: the sine alone, measured the same way, with nothing happening near F.
  if (control !== undefined) {
    const own = largestStep(control, 1, FRAMES);
    rows.unshift({
      event: 'the signal itself (no event)',
      own,
      declick: largestStep(control, from, to),
      plain: own,
      changed: 0,
    });
  }
  return rows;
}
