// Added to the AudioWorkletGlobalScope right after chiptune3's own worklet module. That
// module starts libopenmpt's (asynchronous) WASM instantiation but never says when it is
// done, and a 'play' message that arrives before then throws inside the worklet. This
// module instantiates the same libopenmpt build once more and finishes loading (top-level
// await) only when that instance is ready, so addModule() resolves after the equivalent
// work, which was started first, has had time to finish as well.
import libopenmpt from 'chiptune3/libopenmpt.worklet.js';

await libopenmpt();
// A few more turns of the worklet's event loop for the first instance's continuation.
for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
