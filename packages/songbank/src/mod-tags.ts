/**
 * MOD format tags with a fixed channel count, shared by the loader and the writer;
 * xCHN, xxCH, FA0x and TDZx carry their count in their digits.
 */
export const FIXED_TAGS: ReadonlyMap<string, number> = new Map([
  ['M.K.', 4],
  ['M!K!', 4],
  ['M&K!', 4],
  ['N.T.', 4],
  ['FLT4', 4],
  ['FLT8', 8],
  ['EXO4', 4],
  ['EXO8', 8],
  ['CD61', 6],
  ['CD81', 8],
  ['OKTA', 8],
  ['OCTA', 8],
  ['LARD', 4],
  ['NSMS', 4],
]);
