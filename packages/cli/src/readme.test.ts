// The README is the package's reference: it must name everything users can import.
import { fileURLToPath } from 'node:url';
import { TRACE_COLUMNS } from '@workletpool/songbank';
import { describe, expect, it } from 'vitest';
import {
  missingFromReadme,
  requireErrorCode,
  saysEsmOnly,
  traceColumnRows,
} from '../../../test-support/readme-check.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('README', () => {
  it('names every export (and the members of the main interfaces) in code', { timeout: 120_000 }, () => {
    expect(missingFromReadme(packageDir)).toEqual([]);
  });

  it('describes the trace columns exactly as songbank defines them', () => {
    expect(traceColumnRows(packageDir)).toEqual(TRACE_COLUMNS.map((c) => [c.name, c.unit, c.meaning]));
  });

  it('says the package is ESM only, as require() finds', () => {
    expect(saysEsmOnly(packageDir)).toBe(true);
    expect(requireErrorCode(packageDir)).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
