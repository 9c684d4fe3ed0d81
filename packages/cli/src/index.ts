/**
 * The package entry. The CLI is used as a command, not imported: this keeps the
 * `exports` map valid (and require() refused, as for every ESM-only package here).
 */
export {};
