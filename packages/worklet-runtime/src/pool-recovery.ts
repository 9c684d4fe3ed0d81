// Fault recovery for a WorkletPool: a node whose processor failed (it fired
// `processorerror`, stopped answering pings, or stopped being called) is replaced by a
// new node in the same worklet, and every instrument in it is loaded into the same slot
// of the new node, so instruments stay callable throughout and keep their voices.
import { isClosed } from './engine-node.js';
import { WorkletRuntimeError } from './errors.js';
import { resolvePatch } from './patch.js';
import type { PoolNode } from './pool-nodes.js';
import type { PoolParts } from './pool-placement.js';
import { loadSlot } from './slot-instrument.js';

/** Replaces failed nodes, once per failure, and runs the health checks that find silent ones. */
export class FaultRecovery {
  /** Nodes replaced after a failure. */
  replacements = 0;
  private readonly recovering = new Map<number, Promise<void>>();

  constructor(
    private readonly parts: PoolParts,
    private readonly onError: ((error: WorkletRuntimeError) => void) | undefined,
  ) {}

  /** Starts replacing node `index` after it failed (once per failure; later reports of it are ignored). */
  fail(index: number, node: PoolNode, reason: string): void {
    const { parts } = this;
    if (
      parts.disposed() ||
      isClosed(parts.context) ||
      parts.nodes.at(index) !== node ||
      this.recovering.has(index)
    ) {
      return;
    }
    const work = this.replace(index, node, reason)
      .catch((error: unknown) => {
        const failure = new WorkletRuntimeError(
          'PROCESSOR_ERROR',
          `worklet ${index} failed (${reason}) and could not be restored: ${String(error)}`,
          { cause: error },
        );
        if (this.onError) this.onError(failure);
        else console.error(failure);
      })
      .finally(() => this.recovering.delete(index));
    this.recovering.set(index, work);
  }

  /**
   * A new node takes the failed one's place: every instrument in it is loaded into the
   * same slot of the new node (same voices, same range) and its output rewired. The old
   * node keeps taking messages until then, so instruments stay callable throughout.
   */
  private async replace(index: number, old: PoolNode, reason: string): Promise<void> {
    const { parts } = this;
    this.replacements++;
    const fresh = parts.nodes.materialise(index);
    const engine = await fresh.ready;
    await Promise.all(
      old.slots.map(async (instrument, slot) => {
        if (instrument === null || parts.instruments.get(instrument.id) !== instrument) return;
        const placement = { engine, slot, start: instrument.start };
        const resolved = resolvePatch(
          instrument.patch,
          `WorkletPool restoring '${instrument.id}' (${reason})`,
        );
        await loadSlot(placement, instrument.voices, resolved, parts.context.currentTime);
        if (parts.disposed() || parts.instruments.get(instrument.id) !== instrument) {
          engine.post({ type: 'release', frame: engine.frameAt(parts.context.currentTime), slot });
          return;
        }
        instrument.attach(placement, index);
        fresh.slots[slot] = instrument;
      }),
    );
    old.ready.then(
      (dead) => dead.dispose(),
      () => undefined,
    );
  }

  /**
   * Pings every node; replaces one that does not answer within `timeoutMs`, or whose
   * processor was not called while the audio thread rendered two or more quanta since
   * the last check. Resolves with the indices being replaced (see WorkletPool.checkHealth).
   */
  async checkHealth(timeoutMs: number): Promise<number[]> {
    const nodes = this.parts.nodes.nodes;
    const verdicts = await Promise.all(
      nodes.map(async (node): Promise<{ node: PoolNode; reason: string } | null> => {
        if (node === null || node.engine === null) return null;
        const probe = await node.engine.probe(timeoutMs);
        if (probe === null) return { node, reason: `no answer to a ping within ${timeoutMs} ms` };
        const last = node.lastProbe;
        if (last === undefined || probe.frame > last.frame) node.lastProbe = probe;
        const rendered = probe.frame - (last?.frame ?? probe.frame);
        if (last !== undefined && last.quanta > 0 && probe.quanta === last.quanta && rendered >= 256) {
          return { node, reason: `its processor was not called in ${rendered} rendered frames` };
        }
        return null;
      }),
    );
    const failed: number[] = [];
    for (const [index, verdict] of verdicts.entries()) {
      // The verdict is about the node that was pinged, which may have been replaced meanwhile.
      if (verdict === null || nodes[index] !== verdict.node || this.recovering.has(index)) continue;
      failed.push(index);
      this.fail(index, verdict.node, verdict.reason);
    }
    return failed;
  }

  /** Resolves once every node replacement under way has finished. */
  async recovered(): Promise<void> {
    while (this.recovering.size > 0) await Promise.all(this.recovering.values());
  }
}
