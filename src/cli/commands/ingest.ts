import { readInputs } from '../../ingest/read-inputs.ts';
import { type IngestReport, submitArticles } from '../../usecases/submit.ts';
import type { App } from '../app.ts';
import { Progress } from '../progress.ts';

export type { IngestReport } from '../../usecases/submit.ts';

/** `tradewire ingest`: files, directories or stdin through the submit-articles use case, with progress bars. */
export async function ingestFiles(
  app: App,
  paths: string[],
  opts: { wait: boolean; stdin?: NodeJS.ReadableStream; timeoutMs?: number },
): Promise<IngestReport> {
  const readBar = new Progress('reading ');
  let accepted = 0;
  const items = readInputs(paths, {
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
    openTimeoutMs: app.config.ingest.openTimeoutMs,
    onProgress: (done, total) => readBar.update(done, total, `${accepted} articles`),
  });
  const bar = new Progress('pipeline');
  try {
    return await submitArticles(app.deps, items, {
      wait: opts.wait,
      timeoutMs: opts.timeoutMs,
      onProgress: (n) => {
        accepted = n;
      },
      onPipeline: (settled, total) => {
        if (settled === 1) readBar.done();
        bar.update(settled, total, `${settled}/${total} jobs`);
      },
    });
  } finally {
    readBar.done();
    bar.done();
  }
}
