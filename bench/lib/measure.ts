import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface MeasuredRun {
  secs: number;
  /** Peak resident set of the process (VmHWM), polled every 100 ms. */
  peakRssMb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command and polls its VmHWM (the kernel's peak resident set for the process, threads
 * included) until it exits. Rejects when it exits with a code other than 0 or 1 (1: the CLI's "some
 * input rejected").
 */
export function runMeasured(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<MeasuredRun> {
  return new Promise((resolveRun, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (b: Buffer) => {
      stdout += b;
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b).slice(-4000);
    });
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {}
    };
    const poll = setInterval(sample, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const secs = (performance.now() - t0) / 1000;
      if (code !== 0 && code !== 1) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolveRun({ secs, peakRssMb: peak, code, stdout, stderr });
    });
  });
}
