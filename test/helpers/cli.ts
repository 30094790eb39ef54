import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const SHARED_DATA = resolve(REPO, '../shared/data');
/** Node arguments that run the CLI from source (the packed, compiled CLI is tested in test/e2e/pack). */
export const CLI = ['--import', 'tsx', join(REPO, 'src/cli/tradewire.ts')];
/** A script that runs the CLI from source: `spawn(process.execPath, [BIN, …])`. */
export const BIN = join(REPO, 'test/helpers/tradewire-dev.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'tw-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the real CLI as a subprocess, as a user would. The environment is clean of LLM settings unless given. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  stdin?: string,
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const base = { ...process.env };
    for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'REDIS_URL', 'TRADEWIRE_DATA_DIR']) delete base[k];
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: REPO,
      env: { ...base, TRADEWIRE_LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
  });
}
