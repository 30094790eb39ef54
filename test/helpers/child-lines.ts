import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/** A child process whose stdout is read as lines, with a wait for a line that matches. */
export interface LineChild {
  proc: ChildProcessWithoutNullStreams;
  lines: string[];
  stderr(): string;
  waitFor(pred: (line: string) => boolean): Promise<string>;
}

export function spawnLines(command: string, args: string[], env?: NodeJS.ProcessEnv): LineChild {
  const proc = spawn(command, args, env ? { env } : {});
  const lines: string[] = [];
  let buf = '';
  let err = '';
  const waiters: Array<() => void> = [];
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.length > 100_000) err = err.slice(-50_000);
  });
  return {
    proc,
    lines,
    stderr: () => err,
    waitFor: (pred) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find(pred);
          if (hit !== undefined) resolve(hit);
          else if (proc.exitCode !== null || proc.signalCode !== null)
            reject(new Error(`process exited (${proc.exitCode ?? proc.signalCode}): ${err.slice(-2000)}`));
          else waiters.push(check);
        };
        proc.once('exit', check);
        check();
      }),
  };
}
