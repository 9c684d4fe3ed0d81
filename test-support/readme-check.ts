// Checks a package's README against its code: each name its entry points export (read
// from the built .d.ts files its package.json `exports` map points at, so the list is
// exactly what users can import) must appear in the README inside code, and the errors
// table must list exactly the codes the error types declare.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

interface ExportsMap {
  readonly [subpath: string]: { readonly types?: string } | string;
}

/** The `.d.ts` files behind each subpath of the package's `exports` map. */
function declarationEntries(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    exports?: ExportsMap;
  };
  const entries: string[] = [];
  for (const target of Object.values(manifest.exports ?? {})) {
    if (typeof target === 'object' && target.types !== undefined)
      entries.push(join(packageDir, target.types));
  }
  return entries;
}

function loadEntries(packageDir: string) {
  const entries = declarationEntries(packageDir);
  const program = ts.createProgram(entries, { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const modules = entries.map((entry) => {
    const source = program.getSourceFile(entry);
    const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (symbol === undefined) throw new Error(`cannot read the exports of ${entry}: build the package first`);
    return checker.getExportsOfModule(symbol);
  });
  return { checker, exports: modules.flat() };
}

/** Every name the package exports, from all its entry points, sorted. */
export function exportedNames(packageDir: string, membersOf: readonly string[] = []): string[] {
  const { checker, exports } = loadEntries(packageDir);
  const names = new Set<string>();
  for (const exported of exports) {
    names.add(exported.name);
    if (!membersOf.includes(exported.name)) continue;
    for (const member of checker.getDeclaredTypeOfSymbol(resolved(checker, exported)).getProperties()) {
      if (!isPrivate(member)) names.add(member.name);
    }
  }
  const unknown = membersOf.filter((name) => !names.has(name));
  if (unknown.length > 0)
    throw new Error(`membersOf names types the package does not export: ${unknown.join(', ')}`);
  return [...names].sort();
}

const HIDDEN = ts.ModifierFlags.Private | ts.ModifierFlags.Protected;

/** Private, protected and `@internal` members are not part of what users call. */
function isPrivate(member: ts.Symbol): boolean {
  return (member.declarations ?? []).some(
    (declaration) =>
      (ts.getCombinedModifierFlags(declaration) & HIDDEN) !== 0 ||
      ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'internal') ||
      member.name.startsWith('#'),
  );
}

function resolved(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** The string literals of an exported union type such as `PoolErrorCode`, sorted. */
export function declaredCodes(packageDir: string, typeName: string): string[] {
  const { checker, exports } = loadEntries(packageDir);
  const symbol = exports.find((exported) => exported.name === typeName);
  if (symbol === undefined) throw new Error(`${packageDir} does not export ${typeName}`);
  const type = checker.getDeclaredTypeOfSymbol(resolved(checker, symbol));
  const members = type.isUnion() ? type.types : [type];
  return members
    .map((member) => (member.isStringLiteral() ? member.value : undefined))
    .filter((value): value is string => value !== undefined)
    .sort();
}

/** The section of the README under `## heading`, up to the next `## ` heading. */
export function readmeSection(packageDir: string, heading: string): string {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`${packageDir}/README.md has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 4);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The first cell of each body row of the tables in the README's `## Errors` section, without backticks. */
export function readmeErrorCodes(packageDir: string): string[] {
  const lines = readmeSection(packageDir, 'Errors').split('\n');
  const separator = (line: string | undefined) => line !== undefined && /^\|[\s:|-]+\|$/.test(line.trim());
  return lines
    .filter((line, i) => line.startsWith('|') && !separator(line) && !separator(lines[i + 1]))
    .map((line) => (line.split('|')[1] ?? '').trim().replace(/`/g, ''))
    .filter((cell) => cell !== '');
}

/**
 * The error code `require()` of the package fails with, from a CommonJS script in the
 * package's own folder (which resolves the package by its name); undefined if it loads.
 */
export function requireErrorCode(packageDir: string): string | undefined {
  const { name } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string };
  const script = `try { require(${JSON.stringify(name)}); } catch (error) { process.stdout.write(String(error.code)); }`;
  const output = execFileSync(process.execPath, ['--input-type=commonjs', '-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
  });
  return output === '' ? undefined : output;
}

/** True when the README says, in so many words, that the package is ESM only. */
export function saysEsmOnly(packageDir: string): boolean {
  return /ESM only/.test(readFileSync(join(packageDir, 'README.md'), 'utf8'));
}

/** The text inside the README's code spans and code blocks, where API names belong. */
function codeText(readme: string): string {
  const blocks = readme.match(/```[\s\S]*?```/g) ?? [];
  const spans = readme.replace(/```[\s\S]*?```/g, '').match(/`[^`\n]+`/g) ?? [];
  return [...blocks, ...spans].join('\n');
}

/**
 * The exported names (and the members of the interfaces listed in `membersOf`) that the
 * README never mentions in code; empty when the README covers the whole API.
 */
export function missingFromReadme(packageDir: string, membersOf: readonly string[] = []): string[] {
  const code = codeText(readFileSync(join(packageDir, 'README.md'), 'utf8'));
  return exportedNames(packageDir, membersOf).filter(
    (name) => !new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}($|[^\\w$])`).test(code),
  );
}

/**
 * The rows of a README's "Trace columns" table as [name, unit, meaning], for comparison
 * with songbank's TRACE_COLUMNS (the songbank and cli READMEs both carry the table).
 */
export function traceColumnRows(packageDir: string): string[][] {
  return readmeSection(packageDir, 'Trace columns')
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim().replace(/`/g, '')),
    );
}
