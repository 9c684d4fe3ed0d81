// Chromium page script for the DSP benchmark: starts the benchmark's AudioWorklet in a
// one-quantum offline context and returns what the processor measured.

/**
 * Loads `workletSource` (the bundled bench/dsp-worklet.mjs), hands it the builds
 * ({ label, bytes: number[] }) and the options, and resolves with the processor's figures.
 */
export async function run(workletSource, builds, options) {
  const context = new OfflineAudioContext({ numberOfChannels: 1, length: 128, sampleRate: 48000 });
  const url = URL.createObjectURL(new Blob([workletSource], { type: 'text/javascript' }));
  await context.audioWorklet.addModule(url);
  URL.revokeObjectURL(url);
  const node = new AudioWorkletNode(context, 'workletpool-bench-dsp', {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    processorOptions: {
      ...options,
      builds: builds.map((b) => ({ label: b.label, bytes: new Uint8Array(b.bytes) })),
    },
  });
  node.connect(context.destination);
  const answer = new Promise((resolve) => {
    node.port.onmessage = (event) => resolve(event.data);
  });
  await context.startRendering();
  return answer;
}
