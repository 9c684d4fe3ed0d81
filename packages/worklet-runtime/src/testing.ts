// The testing entry (`@workletpool/worklet-runtime/testing`): the whole public API, but
// nodes run the testing build of the processor, which obeys the `fail-for-test` message so
// fault recovery can be tested on real nodes. The production entry does not carry that
// build, and its processor refuses the message as an unknown type.
import testingProcessor from 'embedded:processor-testing';
import { useProcessor } from './assets.js';
import { PROCESSOR_NAME } from './processor-name.js';

useProcessor(testingProcessor, `${PROCESSOR_NAME}-testing`);

import { capEngineMemory } from './engine-node.js';

/**
 * Caps, in 64 KiB pages, the shared engine memory of each context whose first engine node
 * is created from now on (undefined: no cap), so tests reach the memory limit quickly.
 */
export function capEngineMemoryForTest(pages: number | undefined): void {
  capEngineMemory(pages);
}

export * from './index.js';
