// Placement made real: pool-core decides which worklet and voices an instrument gets;
// this module maps that range onto a slot of the worklet's node (by the strategy's
// alignment, or one slot per node for an exclusive strategy) and loads the instrument
// there, following the node if it is replaced mid-load and undoing everything if the
// load fails or a reset overtakes it.
import type { Strategy, VoicePool } from '@workletpool/pool-core';
import type { EngineNode } from './engine-node.js';
import { WorkletRuntimeError } from './errors.js';
import type { SoloGroup } from './mix-group.js';
import type { InstrumentPatch, ResolvedPatch } from './patch.js';
import type { NodeTable, PoolNode } from './pool-nodes.js';
import { PooledInstrument } from './pooled-instrument.js';
import { loadSlot } from './slot-instrument.js';

/** Marks one createInstrument call in flight; a reset or a newer call replaces it. */
export interface Loading {
  readonly loading: true;
}

/** Whether a registry entry is a call still loading rather than an instrument. */
export function isLoading(value: PooledInstrument | Loading | undefined): value is Loading {
  return value !== undefined && !(value instanceof PooledInstrument);
}

/** How a worklet's voice ranges map onto its node's slots. */
export class SlotGeometry {
  /** Voices per slot: every range starts on a multiple of it. */
  readonly alignment: number;
  /** Slots (and, unless outputs are shared, outputs) per node. */
  readonly slotsPerNode: number;

  constructor(strategy: Strategy, voicesPerWorklet: number) {
    // A slot is the start voice divided by the alignment the strategy promises, so
    // aligned strategies need fewer outputs per node; an exclusive one needs one.
    this.alignment = strategy.exclusive === true ? voicesPerWorklet : (strategy.alignment ?? 1);
    this.slotsPerNode = Math.ceil(voicesPerWorklet / this.alignment);
  }

  /** The slot of a range starting at voice `start`. */
  slotOf(start: number): number {
    return Math.floor(start / this.alignment);
  }
}

/** What placement, fault recovery and compaction share of a pool. */
export interface PoolParts {
  readonly context: BaseAudioContext;
  readonly core: VoicePool;
  readonly nodes: NodeTable;
  readonly geometry: SlotGeometry;
  /** Live instruments, and a unique token per createInstrument call still loading. */
  readonly instruments: Map<string, PooledInstrument | Loading>;
  /** Whether the pool was disposed. */
  disposed(): boolean;
}

/** What the new instrument needs besides its place: its output and how it leaves the pool. */
export interface InstrumentWiring {
  /** The instrument's output node (its own, or the shared bus). */
  output(): GainNode;
  /** Called once the instrument is disposed. */
  forget(instrument: PooledInstrument): void;
  /** The pool's instruments, whose solos mute one another. */
  readonly group: SoloGroup;
}

/**
 * Allocates `voices` for `id` in the core (synchronously: any new node is created at
 * once), loads the patch into the slot and returns the instrument. A failed or overtaken
 * call leaves the core, the registry and the processor as they were.
 */
export async function placeInstrument(
  parts: PoolParts,
  where: string,
  id: string,
  voices: number,
  patch: InstrumentPatch,
  resolved: ResolvedPatch,
  wiring: InstrumentWiring,
): Promise<PooledInstrument> {
  const { context, core, instruments } = parts;
  const allocation = core.allocate(id, voices);
  // A token of this call: after a reset the same id may be loading again, and only the
  // call that still owns the token may install (or release) anything.
  const token: Loading = { loading: true };
  instruments.set(id, token);
  let node = parts.nodes.at(allocation.worklet) as PoolNode;
  const slot = parts.geometry.slotOf(allocation.start);
  const overtaken = () =>
    new WorkletRuntimeError('DISPOSED', `${where}: the pool was reset or disposed while loading`);
  const current = () => !parts.disposed() && instruments.get(id) === token;
  let sent: EngineNode | undefined;
  try {
    const engine = await node.ready;
    // Checked before anything is sent: a reset while the node was being created may
    // have given this slot to another instrument, whose patch must not be overwritten.
    if (!current()) throw overtaken();
    let placement = { engine, slot, start: allocation.start };
    sent = engine;
    await loadSlot(placement, voices, resolved, context.currentTime);
    // The node failed and was replaced while this load was under way: load into the new one.
    while (parts.nodes.at(allocation.worklet) !== node && parts.nodes.at(allocation.worklet) !== null) {
      node = parts.nodes.at(allocation.worklet) as PoolNode;
      placement = { engine: await node.ready, slot, start: allocation.start };
      sent = placement.engine;
      if (!current()) throw overtaken();
      await loadSlot(placement, voices, resolved, context.currentTime);
    }
    // A reset sent after the load empties the slot again in the processor (the port keeps order).
    if (!current()) throw overtaken();
    const instrument = new PooledInstrument(
      id,
      voices,
      patch,
      resolved,
      placement,
      wiring.output(),
      allocation.worklet,
      wiring.forget,
      wiring.group,
    );
    node.slots[slot] = instrument;
    instruments.set(id, instrument);
    return instrument;
  } catch (error) {
    if (instruments.get(id) === token) {
      instruments.delete(id);
      core.release(id);
      // A half-loaded slot keeps its voice range in the processor; empty it, or a later
      // neighbour's range would be refused as overlapping.
      try {
        sent?.post({ type: 'release', frame: sent.frameAt(context.currentTime), slot });
      } catch {
        // The node is gone; nothing is left to empty.
      }
    }
    throw error;
  }
}
