// The engine module and the processor script, both carried inside this bundle: the WASM
// is compiled once per JavaScript realm and the processor is added once per context.
import engineBase64 from 'embedded:engine';
import processorSource from 'embedded:processor';
import { WorkletRuntimeError } from './errors.js';

let compiled: Promise<WebAssembly.Module> | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled engine, shared by every node this realm creates. */
export function engineModule(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(decodeBase64(engineBase64));
  return compiled;
}

/** Size in bytes of the engine's WASM binary. */
export function engineBinarySize(): number {
  return decodeBase64(engineBase64).byteLength;
}

const added = new WeakMap<BaseAudioContext, Promise<void>>();

/** Adds the processor module to `context` once; a failure is not cached, so it can be retried. */
export function addProcessorModule(context: BaseAudioContext): Promise<void> {
  let pending = added.get(context);
  if (!pending) {
    pending = addModule(context);
    added.set(context, pending);
    pending.catch(() => added.delete(context));
  }
  return pending;
}

async function addModule(context: BaseAudioContext): Promise<void> {
  if (!context.audioWorklet) {
    throw new WorkletRuntimeError(
      'NO_AUDIO_WORKLET',
      'this context has no audioWorklet (a secure context is required)',
    );
  }
  const url = URL.createObjectURL(new Blob([processorSource], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } catch (error) {
    throw new WorkletRuntimeError(
      'NO_AUDIO_WORKLET',
      `adding the engine processor failed: ${String(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
