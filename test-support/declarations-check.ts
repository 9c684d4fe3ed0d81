// Checks what a package ships as types: members marked @internal must be stripped from the
// built declarations (the shared tsup preset sets stripInternal), or users would see
// constructors and hooks they must not call.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `file:line` of every `@internal` left in the package's built `dist/*.d.ts` files (or a
 * line saying there are none to check, so the check cannot pass on an unbuilt package).
 */
export function internalInDeclarations(packageDir: string): string[] {
  const dist = join(packageDir, 'dist');
  const files = readdirSync(dist).filter((file) => /\.d\.m?ts$/.test(file));
  if (files.length === 0) return [`${dist} holds no .d.ts files: build the package first`];
  const found: string[] = [];
  for (const file of files) {
    const lines = readFileSync(join(dist, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.includes('@internal')) found.push(`${file}:${i + 1}`);
    });
  }
  return found;
}
