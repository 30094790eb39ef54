import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMPOSITION_ROOT } from '../../../.dependency-cruiser.mjs';
import { REPO, tempDir } from '../../helpers/cli.ts';

/**
 * The layering rules of `npm run check`, run the way `npm run layers` runs them (the depcruise CLI
 * with the repo's .dependency-cruiser.mjs, then .dependency-cruiser-folders.mjs over each tree) over
 * a small tree with one deliberate violation per rule, and over the real tree.
 */

const run = promisify(execFile);
const DEPCRUISE = join(REPO, 'node_modules/.bin/depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** One cruise as `npm run layers` runs it: the module rules, or the folder-cycle rule over one tree. */
async function cruise(
  cwd: string,
  pass: 'modules' | 'src folders' | 'adapters folders',
): Promise<{ violations: string[]; dependencies: string[] }> {
  const folders = ['--config', join(REPO, '.dependency-cruiser-folders.mjs')];
  const args = {
    modules: ['--config', join(REPO, '.dependency-cruiser.mjs'), 'src', 'adapters'],
    'src folders': [...folders, '--exclude', '^adapters/', 'src'],
    'adapters folders': [...folders, '--exclude', '^src/', 'adapters'],
  }[pass];
  // depcruise exits non-zero when it finds violations; the JSON report is on stdout either way.
  const { stdout } = await run(DEPCRUISE, [...args, '--output-type', 'json'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const report = JSON.parse(stdout) as {
    modules: { source: string; dependencies: { resolved: string }[] }[];
    summary: { violations: Violation[] };
  };
  return {
    violations: report.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort(),
    dependencies: report.modules.flatMap((m) => m.dependencies.map((d) => `${m.source} -> ${d.resolved}`)),
  };
}

const TREE: Record<string, string> = {
  'src/platform/port.ts': 'export interface Platform { name: string }\n',
  'src/config.ts':
    'export interface Config { port: number }\nexport const loadConfig = (): Config => ({ port: 1 });\n',
  'src/errors.ts': 'export class TradewireError extends Error {}\n',
  'src/usecases/ask.ts': 'export const ask = (q: string) => q;\n',
  'src/store/store.ts': 'export interface Store { get(id: string): string }\n',
  'adapters/platform.ts': "export type { Platform } from '../src/platform/port.ts';\n",
  // Allowed: the composition root wires an adapter in; adapters use the ports, use cases, Config types.
  [COMPOSITION_ROOT]: "export { ConsolePlatform } from '../../adapters/console/console-platform.ts';\n",
  'adapters/console/console-platform.ts': [
    "import type { Config } from '../../src/config.ts';",
    "import { TradewireError } from '../../src/errors.ts';",
    "import { ask } from '../../src/usecases/ask.ts';",
    "import type { Platform } from '../platform.ts';",
    'export class ConsolePlatform implements Platform {',
    "  name = 'console';",
    '  constructor(readonly config: Config) {}',
    '  answer = (q: string) => (q ? ask(q) : Promise.reject(new TradewireError()));',
    '}',
    '',
  ].join('\n'),
  // Violations, one per rule.
  'src/ask/answer.ts': "export { ConsolePlatform } from '../../adapters/console/console-platform.ts';\n",
  'src/cli/main.ts': "export const load = () => import('../../adapters/console/console-platform.ts');\n",
  'adapters/console/store-access.ts': "export type { Store } from '../../src/store/store.ts';\n",
  'adapters/console/config-load.ts': "export { loadConfig } from '../../src/config.ts';\n",
  'src/text/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
  'src/text/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
  'src/digest/build.ts': "import { names } from '../queue/names.ts';\nexport const build = () => names;\n",
  'src/digest/rank.ts': 'export const rank = 1;\n',
  'src/queue/names.ts': 'export const names = 1;\n',
  'src/queue/workers.ts': "import { rank } from '../digest/rank.ts';\nexport const workers = rank;\n",
  'src/search/retrieve.ts': "export { gone } from './missing.ts';\n",
};

describe('layering rules (.dependency-cruiser.mjs)', () => {
  it('catches one deliberate violation of each rule, dynamic import() included, and allows the rest', async () => {
    const dir = tempDir('tw-layering-');
    copyFileSync(join(REPO, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    for (const [file, text] of Object.entries(TREE)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const [modules, srcFolders, adapterFolders] = await Promise.all([
      cruise(dir, 'modules'),
      cruise(dir, 'src folders'),
      cruise(dir, 'adapters folders'),
    ]);
    expect([...modules.violations, ...srcFolders.violations, ...adapterFolders.violations].sort()).toEqual(
      [
        'adapters-config-types-only: adapters/console/config-load.ts -> src/config.ts',
        'adapters-only-to-ports: adapters/console/store-access.ts -> src/store/store.ts',
        'core-not-to-adapters: src/ask/answer.ts -> adapters/console/console-platform.ts',
        'core-not-to-adapters: src/cli/main.ts -> adapters/console/console-platform.ts',
        // A cycle is reported once, at its first module.
        'no-cycles: src/text/a.ts -> src/text/b.ts',
        'no-folder-cycles: src/digest -> src/queue',
        'no-folder-cycles: src/queue -> src/digest',
        'not-to-unresolvable: src/search/retrieve.ts -> ./missing.ts',
      ].sort(),
    );
  }, 60_000);

  it('passes on the real tree, and sees the composition root importing an adapter', async () => {
    const passes = await Promise.all([
      cruise(REPO, 'modules'),
      cruise(REPO, 'src folders'),
      cruise(REPO, 'adapters folders'),
    ]);
    expect(passes.flatMap((p) => p.violations)).toEqual([]);
    expect(passes[0]?.dependencies.some((d) => d.startsWith(`${COMPOSITION_ROOT} -> adapters/`))).toBe(true);
  }, 60_000);
});
