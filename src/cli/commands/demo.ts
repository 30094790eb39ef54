import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../../errors.ts';
import { packagePath } from '../../package-root.ts';
import { followJobs } from '../../queue/follow.ts';
import { DIGEST_QUEUE, deliverQueue } from '../../queue/names.ts';
import { digestNow } from '../../usecases/digest.ts';
import { addWatch } from '../../usecases/watches.ts';
import type { App } from '../app.ts';
import { ingestFiles } from './ingest.ts';

export const DEMO_CHANNEL = 'console:demo';
const SAMPLES = packagePath('samples', 'trade-week.jsonl');

export interface DemoReport {
  dataDir: string;
  channelFile: string;
  ingested: { new: number; duplicates: number; joined: number };
  alerts: number;
  digestPosted: boolean;
  answer: unknown;
}

/**
 * The README's main job on embedded defaults: ingest the sample week of trade news through the real
 * pipeline (private Redis, BullMQ, SQLite), fire keyword-watch alerts, post a digest to the console
 * channel `console:demo`, and answer a question with citations.
 */
export async function runDemo(
  app: App,
  ask: ((app: App, question: string) => Promise<unknown>) | null,
  out: NodeJS.WritableStream,
): Promise<DemoReport> {
  const say = (s: string) => out.write(`\n== ${s}\n`);
  say(`data directory ${app.config.dataDir}`);
  for (const q of ['steel tariffs -canada', '"export controls" chips']) {
    const w = await addWatch(app.deps, { channel: DEMO_CHANNEL, query: q });
    out.write(`watch ${w.id} on ${DEMO_CHANNEL}: ${w.query}\n`);
  }

  say(`ingesting ${SAMPLES}`);
  const report = await ingestFiles(app, [SAMPLES], { wait: true });
  out.write(
    `${report.new} new, ${report.duplicates} duplicates (${report.joined} joined an existing story)\n`,
  );

  say(`posting a digest to ${DEMO_CHANNEL}`);
  const rt = await app.queues();
  const ref = await digestNow(app.deps, DEMO_CHANNEL);
  const followed = await followJobs(rt, [ref], {
    queues: [DIGEST_QUEUE, deliverQueue('console')],
    timeoutMs: 60_000,
  });
  for (const f of followed.failed) out.write(`digest failed: ${f.reason}\n`);

  let answer: unknown = null;
  if (ask) {
    say('asking: What tariff did Mexico put on steel imports?');
    answer = await ask(app, 'What tariff did Mexico put on steel imports?').catch((err: unknown) =>
      describeError(err),
    );
  }
  const lines = app.console.read(DEMO_CHANNEL);
  const channelFile = app.console.channelFile(DEMO_CHANNEL);
  say(`done: ${lines.length} messages in ${channelFile}`);
  return {
    dataDir: app.config.dataDir,
    channelFile,
    ingested: { new: report.new, duplicates: report.duplicates, joined: report.joined },
    alerts: lines.filter((l) => l.kind === 'alert').length,
    digestPosted: lines.some((l) => l.kind === 'digest'),
    answer,
  };
}

/**
 * The demo owns its data directory and starts clean every time, Redis included, so its output is
 * the same on every run (a Redis that outlived a crashed run is stopped first).
 */
export async function resetDemoDir(dataDir: string): Promise<void> {
  const info = join(dataDir, 'redis.json');
  if (existsSync(info)) {
    try {
      const { pid } = JSON.parse(readFileSync(info, 'utf8')) as { pid: number };
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100; i++) {
        process.kill(pid, 0);
        await sleep(50);
      }
    } catch {}
  }
  rmSync(dataDir, { recursive: true, force: true });
}
