import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder that holds package.json, `prompts/` and `samples/`. Found by walking up from this file,
 * so it is the same whether the code runs from `src/` under tsx, from the compiled `dist/src/`, or
 * from an installed package (`node_modules/tradewire/dist/src/`); `dist/` itself has no package.json.
 */
function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}: is the install complete?`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package, e.g. `packagePath('prompts', 'summarise.md')`. */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts);
