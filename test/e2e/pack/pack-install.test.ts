import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../../helpers/cli.ts';
import { consumerProject } from './consumer-lock.ts';

/**
 * The package as a user gets it: `npm pack` (its prepare script builds a fresh dist/), the tarball
 * installed offline into an empty folder, and the installed `tradewire` binary running the demo from
 * there: compiled JavaScript, prompts/ and samples/ found inside the installed package.
 */

const run = promisify(execFile);
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });

interface DemoJson {
  channelFile: string;
  digestPosted: boolean;
  alerts: number;
  answer: { answer: string; citations: unknown[] } | string | null;
}

describe('npm pack → install offline → tradewire demo', () => {
  it('ships dist/, prompts/, samples/ and bin/ (no tests, no benches) and runs the demo installed', async () => {
    const work = tempDir('tw-pack-');
    const { stdout } = await npm(['pack', '--json', '--pack-destination', work], REPO);
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [
      { filename: string; files: { path: string }[] },
    ];
    const files = packed.files.map((f) => f.path);
    for (const f of ['bin/tradewire.js', 'dist/src/cli/tradewire.js', 'dist/src/cli/main.js', '.env.example'])
      expect(files).toContain(f);
    for (const dir of ['prompts/', 'samples/', 'dist/adapters/'])
      expect(files.some((f) => f.startsWith(dir))).toBe(true);
    // Data files read at run time ship beside their module (src/stories/relevance-weights.json); no code from src/.
    expect(files.filter((f) => /^(test|bench|scripts|\.ci)\//.test(f) || f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/'))).toEqual(['src/stories/relevance-weights.json']);

    const app = join(work, 'app');
    const { packageJson, packageLock } = consumerProject(
      JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')),
      JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')),
      `file:../${packed.filename}`,
    );
    await run('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
    writeFileSync(join(app, 'package-lock.json'), `${JSON.stringify(packageLock, null, 2)}\n`);
    // Install scripts are skipped: better-sqlite3's would compile SQLite from source offline (minutes
    // on this machine). Its native addon is taken from the checkout instead, the same version built
    // for this very Node, which is what its prebuild download would have provided.
    await npm(['ci', '--offline', '--ignore-scripts'], app);
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    const version = (dir: string) =>
      (
        JSON.parse(readFileSync(join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    expect(version(app)).toBe(version(REPO));
    await run('mkdir', ['-p', join(app, 'node_modules/better-sqlite3/build/Release')]);
    copyFileSync(join(REPO, addon), join(app, addon));

    const installed = join(app, 'node_modules/tradewire');
    expect(existsSync(join(installed, 'dist/src/cli/main.js'))).toBe(true);
    expect(readdirSync(installed).sort()).toEqual(
      ['.env.example', 'README.md', 'bin', 'dist', 'package.json', 'prompts', 'samples', 'src'].sort(),
    );

    const env: NodeJS.ProcessEnv = { ...process.env, TRADEWIRE_LOG_LEVEL: 'warn' };
    for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'REDIS_URL', 'TRADEWIRE_DATA_DIR']) delete env[k];
    const bin = join(app, 'node_modules/.bin/tradewire');
    const help = await run(bin, ['--help'], { cwd: app, env });
    expect(help.stdout).toContain('Usage: tradewire');

    const data = join(work, 'data');
    const demo = await run(bin, ['demo', '--json', '--data-dir', data], {
      cwd: app,
      env,
      maxBuffer: 1 << 26,
    });
    const report = JSON.parse(demo.stdout) as DemoJson;
    expect(report.digestPosted).toBe(true);
    expect(report.alerts).toBeGreaterThan(0);
    expect(typeof report.answer === 'object' && report.answer !== null).toBe(true);
    const answer = report.answer as { answer: string; citations: unknown[] };
    expect(answer.citations.length).toBeGreaterThan(0);
    const lines = readFileSync(report.channelFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string });
    expect(lines.map((l) => l.kind)).toEqual(expect.arrayContaining(['alert', 'digest', 'answer']));

    // The prompt files resolve inside the installed package, not the checkout.
    const prompt = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('tradewire/dist/src/package-root.js'); const p = await import('tradewire/dist/src/llm/prompts.js'); console.log(JSON.stringify({ root: m.PACKAGE_ROOT, version: p.loadPrompt('summarise').version }));",
      ],
      { cwd: app, env },
    );
    const { root, version: promptVersion } = JSON.parse(prompt.stdout) as { root: string; version: string };
    expect(root).toBe(installed);
    expect(promptVersion).toMatch(/^summarise-/);
  }, 600_000);
});
