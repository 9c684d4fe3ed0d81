// Replaced at build time (tsup `define`, and vitest's `define` in tests).
declare const __WORKLETPOOL_VERSION__: string;
// True only in the testing build of the processor (faults on request, see FailForTestMessage).
declare const __WORKLETPOOL_TEST_FAULTS__: boolean;

// Build-time modules: the bundled processor source and the engine's WASM bytes (base64).
declare module 'embedded:processor' {
  const source: string;
  export default source;
}
declare module 'embedded:engine' {
  const base64: string;
  export default base64;
}
declare module 'embedded:processor-testing' {
  const source: string;
  export default source;
}
