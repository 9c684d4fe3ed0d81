// The legacy mode: one instrument on an AudioWorkletNode of its own.
import { type AudioWorkletNodeConstructor, type CommandTransport, EngineNode } from './engine-node.js';
import { checkVoices } from './events.js';
import { type InstrumentPatch, resolvePatch } from './patch.js';
import { loadSlot, SlotInstrument } from './slot-instrument.js';
import { afterTail } from './tails.js';

/** Options of createDedicatedInstrument. */
export interface DedicatedInstrumentOptions {
  readonly voices: number;
  /** Where the instrument's output goes (default: the context's destination). */
  readonly destination?: AudioNode;
  /** AudioWorkletNode constructor (default: the global one; pass node-web-audio-api's in Node). */
  readonly AudioWorkletNode?: AudioWorkletNodeConstructor;
  /** true (default): gains ramp and cut voices fade out over 1 ms; false: ProTracker-exact steps. */
  readonly declick?: boolean;
  /** How voice events reach the audio thread (default 'port'; see WorkletPoolOptions). */
  readonly transport?: CommandTransport;
}

/** An instrument with its own AudioWorkletNode (one engine, one slot). */
export class DedicatedInstrument extends SlotInstrument {
  /** The node this instrument owns. */
  get engineNode(): EngineNode {
    return this.placement.engine;
  }

  /** Creates the node, loads the patch and connects the output. */
  static async create(
    context: BaseAudioContext,
    id: string,
    patch: InstrumentPatch,
    options: DedicatedInstrumentOptions,
  ): Promise<DedicatedInstrument> {
    const where = `createDedicatedInstrument('${id}')`;
    const voices = checkVoices(where, options?.voices, 64);
    const resolved = resolvePatch(patch, where);
    let instrument: DedicatedInstrument | undefined;
    const engine = await EngineNode.create(context, {
      voices,
      slots: 1,
      declick: options.declick,
      AudioWorkletNode: options.AudioWorkletNode,
      transport: options.transport,
      onEnded: (e) => instrument?.voiceEnded(e.voice, e.frame / context.sampleRate),
    });
    const placement = { engine, slot: 0, start: 0 };
    try {
      await loadSlot(placement, voices, resolved, context.currentTime);
    } catch (error) {
      engine.dispose();
      throw error;
    }
    const output = context.createGain();
    output.connect(options.destination ?? context.destination);
    SlotInstrument.wire(placement, output);
    instrument = new DedicatedInstrument(id, voices, resolved, placement, output);
    return instrument;
  }

  protected released(): void {
    const engine = this.placement.engine;
    // Its voices fade out over their tail before the node goes.
    afterTail(engine, () => engine.dispose());
  }
}

/** Creates an instrument on an AudioWorkletNode of its own. */
export function createDedicatedInstrument(
  context: BaseAudioContext,
  id: string,
  patch: InstrumentPatch,
  options: DedicatedInstrumentOptions,
): Promise<DedicatedInstrument> {
  return DedicatedInstrument.create(context, id, patch, options);
}
