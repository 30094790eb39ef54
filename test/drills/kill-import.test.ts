import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO, runCli, tempDir } from '../helpers/cli.ts';
import { drillArticles, drillOutcome, storedSoFar as storedSoFarSync } from '../helpers/drill-input.ts';

/**
 * Drill: the ingest process is SIGKILLed part-way through an import, then the same import is run
 * again. Against an undisturbed control run on the same input: every article stored once, every story
 * summarised, the same alerts, none twice, no torn console line.
 */

const articles = (n: number) => drillArticles(n);
const outcome = drillOutcome;
const storedSoFar = async (dir: string) => storedSoFarSync(dir);

describe('drill: SIGKILL of the ingest process mid-import, then a re-run', () => {
  it('finishes the interrupted work: same stories and alerts as an undisturbed run, none twice', async () => {
    const N = 1_200;
    const control = tempDir('tw-drill-control-');
    const drill = tempDir('tw-drill-');
    const input = join(control, 'in.jsonl');
    writeFileSync(input, articles(N));
    for (const dir of [control, drill]) {
      const w = await runCli(['watch', 'add', 'tariffs OR quotas', '--channel', 'console:a'], {
        TRADEWIRE_DATA_DIR: dir,
      });
      expect(w.code, w.stderr).toBe(0);
    }

    const c = await runCli(['ingest', input, '--json'], { TRADEWIRE_DATA_DIR: control });
    expect(c.code, c.stderr).toBe(0);
    const expected = outcome(control);
    expect(expected.articles).toBe(N);
    expect(expected.unsummarised).toBe(0);
    expect(expected.alerts.length).toBeGreaterThan(10);

    const env: NodeJS.ProcessEnv = { ...process.env, TRADEWIRE_DATA_DIR: drill, TRADEWIRE_LOG_LEVEL: 'warn' };
    delete env.REDIS_URL;
    const child = spawn(process.execPath, [BIN, 'ingest', input], { cwd: REPO, env, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + 60_000;
    while ((await storedSoFar(drill)) < N / 4 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const cut = outcome(drill);
    expect(cut.articles).toBeGreaterThan(0);
    console.log(
      `drill: killed after ${cut.articles}/${N} articles, ${cut.unsummarised} stories unsummarised, ${cut.alerts.length} alerts`,
    );

    const again = await runCli(['ingest', input, '--json'], { TRADEWIRE_DATA_DIR: drill });
    expect(again.code, again.stderr).toBe(0);
    const got = outcome(drill);
    console.log(
      `drill: after the re-run ${got.articles} articles, ${got.stories} stories (control ${expected.stories}), ${got.unsummarised} unsummarised, ${got.alerts.length} alerts (control ${expected.alerts.length})`,
    );
    expect(got.articles).toBe(N);
    expect(got.stories).toBe(expected.stories);
    expect(got.unsummarised).toBe(0);
    expect(new Set(got.alerts).size).toBe(got.alerts.length);
    expect([...got.alerts].sort()).toEqual([...expected.alerts].sort());
  }, 180_000);
});
