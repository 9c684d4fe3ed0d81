// A package README's "Errors" table is a promise to users: these helpers read it, so a
// test can produce every listed code and a code added to the source without a row fails.
import { readFileSync } from 'node:fs';

/** One (error class, code) pair listed in a README's errors table. */
export interface ListedCode {
  readonly error: string;
  readonly code: string;
}

function cells(row: string): string[] {
  // `\|` inside a cell is an escaped pipe, not a column border.
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/**
 * The (error, code) pairs of the first table under the `## Errors` heading of `readme`:
 * the first column names the error class in backticks (blank: the row above's), the
 * second lists its codes in backticks.
 */
export function listedCodes(readme: string): ListedCode[] {
  const text = readFileSync(readme, 'utf8');
  const start = text.search(/^## Errors\b/m);
  if (start < 0) throw new Error(`${readme} has no "## Errors" section`);
  const section = text.slice(start).split(/^## (?!Errors)/m)[0] as string;
  const rows = section.split('\n').filter((line) => line.trim().startsWith('|'));
  const listed: ListedCode[] = [];
  let error = '';
  for (const row of rows.slice(2)) {
    const [first = '', second = ''] = cells(row);
    const named = /`(\w+)`/.exec(first)?.[1];
    if (named !== undefined) error = named;
    for (const match of second.matchAll(/`([A-Z][A-Z0-9_]*)`/g))
      listed.push({ error, code: match[1] as string });
  }
  if (listed.length === 0) throw new Error(`${readme}: the errors table lists no codes`);
  return listed;
}

/** The string literals of a `type <name> = | 'A' | 'B'` union in a source file. */
export function unionCodes(source: string, typeName: string): string[] {
  const text = readFileSync(source, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const start = text.indexOf(`type ${typeName} =`);
  if (start < 0) throw new Error(`${source} declares no type ${typeName}`);
  const body = text.slice(start, text.indexOf(';', start));
  return [...body.matchAll(/^\s*\|\s*'([A-Z0-9_]+)'/gm)].map((match) => match[1] as string);
}
