// Cut voices fade out on the audio thread over a 1 ms tail that starts when the message
// that cut them is applied. Disconnecting a node, or a slot from its output, at the same
// moment would cut that tail short (a click), so on a running context disconnections wait
// until the tail has played. On an offline context they happen at once: between renders
// nothing after the current time has been rendered yet, and a timer would fire at an
// arbitrary point of the next render.
import type { EngineNode } from './engine-node.js';

/** Audio time a disconnection waits after the processor took the cutting message: two quanta hold the 1 ms tail. */
const TAIL_WAIT_SECONDS = 256 / 44100;
/** Disconnections waiting for a tail, per node and slot. */
const waiting = new WeakMap<EngineNode, Map<number, () => void>>();

/**
 * Longest a disconnection waits for a context whose clock does not move. Generous: a
 * starved audio thread can stall for seconds, and waiting only keeps a node alive longer.
 */
const MAX_WAIT_MS = 10_000;

function runsLive(context: BaseAudioContext): boolean {
  const offline = typeof (context as { startRendering?: unknown }).startRendering === 'function';
  return !offline && context.state === 'running';
}

/** Resolves once the context's clock is `seconds` past where it is now (or it stopped running). */
function audioTimePassed(context: BaseAudioContext, seconds: number): Promise<void> {
  const target = context.currentTime + seconds;
  const giveUp = Date.now() + MAX_WAIT_MS;
  return new Promise((resolve) => {
    const check = () => {
      if (context.currentTime >= target || context.state !== 'running' || Date.now() > giveUp) resolve();
      else setTimeout(check, 5);
    };
    check();
  });
}

/**
 * Runs `disconnect` once the tails of voices that messages already sent to `engine` cut
 * have played: the processor answers a ping (so it holds those messages; the queue applies
 * them in its next quantum), then the audio clock moves two quanta. A wall-clock delay
 * would not do: on a busy machine a message can take longer to reach the audio thread
 * than a disconnection does. On an offline or stopped context it runs at once.
 */
export function afterTail(engine: EngineNode, disconnect: () => void): void {
  const context = engine.context;
  if (!runsLive(context)) {
    disconnect();
    return;
  }
  engine
    .flush()
    .then(
      () => audioTimePassed(context, TAIL_WAIT_SECONDS),
      () => undefined,
    )
    .finally(disconnect);
}

/**
 * Disconnects slot `slot` of `engine` after its tails, then runs `also` (for example to
 * disconnect the instrument's output). A new instrument wired to the same slot first
 * claims it (see claimSlot), which does what is waiting at once.
 */
export function releaseSlotAfterTail(
  engine: EngineNode,
  slot: number,
  output: AudioNode,
  also?: () => void,
): void {
  const done = () => {
    const slots = waiting.get(engine);
    if (slots?.get(slot) !== done) return;
    slots.delete(slot);
    try {
      engine.disconnectSlot(slot, output);
    } catch {
      // Already disconnected with the whole node.
    }
    also?.();
  };
  let slots = waiting.get(engine);
  if (slots === undefined) {
    slots = new Map();
    waiting.set(engine, slots);
  }
  // A slot released twice before its tail ended: the earlier disconnection happens now.
  slots.get(slot)?.();
  slots.set(slot, done);
  afterTail(engine, done);
}

/** Does at once whatever waits to disconnect slot `slot` of `engine`, before a new instrument takes it. */
export function claimSlot(engine: EngineNode, slot: number): void {
  waiting.get(engine)?.get(slot)?.();
}
