/** The name the engine processor registers under; it carries the package version. */
export const PROCESSOR_NAME = `workletpool-engine-${__WORKLETPOOL_VERSION__}`;
