// The registered name of the engine processor, shared by the processor bundle and the
// main thread; the version in it lets two copies of the package share a page.

/** The name the engine processor registers under; it carries the package version. */
export const PROCESSOR_NAME = `workletpool-engine-${__WORKLETPOOL_VERSION__}`;
