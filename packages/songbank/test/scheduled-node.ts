// node-web-audio-api's AudioWorkletNode with its port's inbound messages delivered when a
// fast-check scheduler says so, so race tests explore the orders in which the audio
// thread's replies and the caller's calls interleave.

import type { AudioWorkletNodeConstructor } from '@workletpool/worklet-runtime';
import type fc from 'fast-check';
import { AudioWorkletNode } from 'node-web-audio-api';

/** Message types the processor always answers (ack, pong, report or an error). */
const ANSWERED = new Set(['assign', 'load', 'release', 'reset', 'ping', 'report']);

/** Replies the audio thread still owes, over every port the constructor made. */
export interface ReplyTracker {
  readonly outstanding: () => number;
  /** Waits (in real time) until every reply owed has arrived at the main thread. */
  readonly quiet: (timeoutMs?: number) => Promise<void>;
}

/** An AudioWorkletNode constructor whose replies pass through `scheduler`. */
export function scheduledAudioWorkletNode(scheduler: fc.Scheduler): {
  readonly AudioWorkletNode: AudioWorkletNodeConstructor;
  readonly tracker: ReplyTracker;
} {
  const owed = new Set<string>();
  let ports = 0;
  function Scheduled(context: BaseAudioContext, name: string, options?: AudioWorkletNodeOptions) {
    const node = new AudioWorkletNode(
      context as unknown as ConstructorParameters<typeof AudioWorkletNode>[0],
      name,
      options,
    ) as unknown as AudioWorkletNode;
    const real = node.port;
    const tag = ports++;
    let handler: ((event: MessageEvent) => void) | null = null;
    let chain: Promise<void> = Promise.resolve();
    const mine = new Set<string>();
    const port = {
      postMessage(message: unknown, transfer?: Transferable[]) {
        const m = message as { type?: unknown; id?: unknown };
        if (typeof m === 'object' && m !== null && ANSWERED.has(String(m.type)) && typeof m.id === 'number') {
          const key = `${tag}:${m.id}`;
          owed.add(key);
          mine.add(key);
        }
        real.postMessage(message, transfer ?? []);
      },
      get onmessage() {
        return handler;
      },
      set onmessage(value: ((event: MessageEvent) => void) | null) {
        handler = value;
      },
      addEventListener: real.addEventListener.bind(real),
      removeEventListener: real.removeEventListener.bind(real),
      close() {
        for (const key of mine) owed.delete(key);
        mine.clear();
        real.close();
      },
    };
    real.onmessage = (event: MessageEvent) => {
      const id = (event.data as { id?: unknown } | null)?.id;
      const key = `${tag}:${String(id)}`;
      chain = chain
        .then(() => scheduler.schedule(Promise.resolve(), `reply ${key}`))
        .then(() => handler?.(event));
      // Arrived: from here on the scheduler holds it, so it is no longer owed.
      owed.delete(key);
      mine.delete(key);
    };
    Object.defineProperty(node, 'port', { value: port });
    return node;
  }
  const tracker: ReplyTracker = {
    outstanding: () => owed.size,
    async quiet(timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (owed.size > 0) {
        if (Date.now() > until)
          throw new Error(`${owed.size} replies never arrived: ${[...owed].join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
  };
  return { AudioWorkletNode: Scheduled as unknown as AudioWorkletNodeConstructor, tracker };
}
