// Every code the README's errors table lists can be produced through the package's API,
// as the error class the table names, and every code the source declares is listed.
import { fileURLToPath } from 'node:url';
import type { Strategy } from '@workletpool/pool-core';
import type { StrategyName } from '@workletpool/strategies';
import { afterEach, describe, expect, it } from 'vitest';
import { listedCodes, unionCodes } from '../../../test-support/error-table.js';
import { failure } from '../../../test-support/settles.js';
import { NodeAudioWorkletNode, offlineContext, renderPending } from '../test/node-audio.js';
import { loopedSampler } from '../test/patches.js';
import { createWorkletPool } from './worklet-pool.js';

afterEach(renderPending);

const node = { AudioWorkletNode: NodeAudioWorkletNode };
const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const source = fileURLToPath(new URL('./errors.ts', import.meta.url));

/** A strategy that places everything out of bounds. */
const outOfBounds: Strategy = {
  name: 'out-of-bounds',
  description: 'places every request past the end of worklet 0',
  place: (request, view) => ({ worklet: 0, start: view.voicesPerWorklet, count: request.voices }),
};

/** One way to produce each listed code, through public calls. */
const producers: Record<string, () => Promise<unknown>> = {
  'WorkletRuntimeError:INVALID_PATCH': async () => {
    const pool = await createWorkletPool(offlineContext(128), node);
    return failure(
      'bad patch',
      pool.createInstrument('a', { ...loopedSampler(), loopStart: -1 }, { voices: 4 }),
    );
  },
  'WorkletRuntimeError:INVALID_ARGUMENT': async () => {
    const pool = await createWorkletPool(offlineContext(128), node);
    const a = await pool.createInstrument('a', loopedSampler(), { voices: 4 });
    return failure('voice 9', () => a.noteOn({ time: 0, voice: 9, period: 428 }));
  },
  'WorkletRuntimeError:DISPOSED': async () => {
    const pool = await createWorkletPool(offlineContext(128), node);
    pool.dispose();
    return failure('report', () => pool.report());
  },
  'WorkletRuntimeError:PROCESSOR_ERROR': async () => {
    const pool = await createWorkletPool(offlineContext(128), node);
    await pool.createInstrument('a', loopedSampler(), { voices: 4 });
    const engine = await pool.engineNode(0);
    return failure('assign to slot 99', () =>
      engine?.request({ type: 'assign', frame: 0, slot: 99, start: 0, count: 4 }),
    );
  },
  'WorkletRuntimeError:NO_AUDIO_WORKLET': async () =>
    // Node has no global AudioWorkletNode: the constructor must be passed.
    failure('no constructor', () => createWorkletPool(offlineContext(128))),
  'WorkletRuntimeError:NO_SHARED_MEMORY': async () => {
    // Node has SharedArrayBuffer and no isolation flag; a page that is not isolated says false.
    const scope = globalThis as { crossOriginIsolated?: boolean };
    scope.crossOriginIsolated = false;
    try {
      return await failure('shared memory on a page that is not isolated', () =>
        createWorkletPool(offlineContext(128), { ...node, transport: 'shared-memory' }),
      );
    } finally {
      delete scope.crossOriginIsolated;
    }
  },
  'WorkletRuntimeError:CONTEXT_CLOSED': async () => {
    const context = offlineContext(128);
    const pool = await createWorkletPool(context, node);
    await context.startRendering();
    return failure('report after render', () => pool.report());
  },
  'WorkletRuntimeError:INVALID_STATE': async () => {
    const pool = await createWorkletPool(offlineContext(128), node);
    const loading = pool.createInstrument('a', loopedSampler(), { voices: 4 });
    const error = await failure('compact while loading', () => pool.compact());
    await loading;
    return error;
  },
  'PoolError:POOL_EXHAUSTED': async () => {
    const pool = await createWorkletPool(offlineContext(128), { ...node, maxWorklets: 1 });
    await pool.createInstrument('a', loopedSampler(), { voices: 16 });
    return failure('a second instrument', () => pool.createInstrument('b', loopedSampler(), { voices: 1 }));
  },
  'PoolError:REQUEST_TOO_LARGE': async () => {
    const pool = await createWorkletPool(offlineContext(128), node);
    return failure('17 voices', () => pool.createInstrument('a', loopedSampler(), { voices: 17 }));
  },
  'PoolError:INVALID_REQUEST': async () =>
    failure('maxWorklets 0', () => createWorkletPool(offlineContext(128), { ...node, maxWorklets: 0 })),
  'PoolError:UNKNOWN_STRATEGY': async () =>
    failure('strategy "nearest"', () =>
      createWorkletPool(offlineContext(128), { ...node, strategy: 'nearest' as StrategyName }),
    ),
  'WorkletRuntimeError:WASM_MEMORY': async () => {
    // The testing entry caps the shared engine memory so the limit is reached at once.
    const testing = await import('./testing.js');
    testing.capEngineMemoryForTest(2);
    try {
      const pool = await testing.createWorkletPool(offlineContext(128), node);
      const big = { ...loopedSampler(), data: new Int8Array(256 * 1024) };
      return await failure('a sample larger than the memory', () =>
        pool.createInstrument('a', big, { voices: 4 }),
      );
    } finally {
      testing.capEngineMemoryForTest(undefined);
    }
  },
  'PoolError:INVALID_PLACEMENT': async () => {
    const pool = await createWorkletPool(offlineContext(128), { ...node, strategy: outOfBounds });
    return failure('an out-of-bounds placement', () =>
      pool.createInstrument('a', loopedSampler(), { voices: 4 }),
    );
  },
};

describe('the errors table of the README', () => {
  const listed = listedCodes(readme);

  it('lists every code WorkletRuntimeError declares', () => {
    const runtime = listed
      .filter((entry) => entry.error === 'WorkletRuntimeError')
      .map((entry) => entry.code);
    expect(runtime.sort()).toEqual(unionCodes(source, 'WorkletRuntimeErrorCode').sort());
  });

  it.each(listed.map((entry) => [`${entry.error} ${entry.code}`, entry] as const))(
    '%s can be produced',
    async (_, { error, code }) => {
      const produce = producers[`${error}:${code}`];
      if (produce === undefined) throw new Error(`no test produces ${error} ${code}`);
      const thrown = await produce();
      expect(thrown).toBeInstanceOf(Error);
      expect(thrown).toMatchObject({ name: error, code });
    },
  );
});
