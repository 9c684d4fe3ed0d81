// The README is the package's reference: it must name everything users can import.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { internalInDeclarations } from '../../../test-support/declarations-check.js';
import { missingFromReadme, requireErrorCode, saysEsmOnly } from '../../../test-support/readme-check.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('README', () => {
  it('names every export (and the members of the main interfaces) in code', { timeout: 120_000 }, () => {
    expect(missingFromReadme(packageDir)).toEqual([]);
  });

  it('says the package is ESM only, as require() finds', () => {
    expect(saysEsmOnly(packageDir)).toBe(true);
    expect(requireErrorCode(packageDir)).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('ships declarations without @internal members', () => {
    expect(internalInDeclarations(packageDir)).toEqual([]);
  });
});
