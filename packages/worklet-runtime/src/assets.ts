// The engine module and the processor script, both carried inside this bundle: the WASM
// is compiled once per JavaScript realm and the processor is added once per context.
import engineBase64 from 'embedded:engine';
import processorSource from 'embedded:processor';
import { WorkletRuntimeError } from './errors.js';
import { PROCESSOR_NAME } from './processor-name.js';

let source = processorSource;
let name = PROCESSOR_NAME;

/** Makes later nodes use another build of the processor (the testing entry's). */
export function useProcessor(text: string, registeredName: string): void {
  source = text;
  name = registeredName;
}

/** The name the processor in use registers under. */
export function processorName(): string {
  return name;
}

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

const added = new WeakMap<BaseAudioContext, Map<string, Promise<void>>>();

/** Adds the processor module to `context` once; a failure is not cached, so it can be retried. */
export function addProcessorModule(context: BaseAudioContext): Promise<void> {
  let forContext = added.get(context);
  if (!forContext) {
    forContext = new Map();
    added.set(context, forContext);
  }
  const key = name;
  let pending = forContext.get(key);
  if (!pending) {
    pending = addModule(context, source);
    forContext.set(key, pending);
    pending.catch(() => forContext.delete(key));
  }
  return pending;
}

async function addModule(context: BaseAudioContext, processorSource: string): Promise<void> {
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
