import { ASK_QUEUE, DIGEST_QUEUE, deliverQueue, INGEST_QUEUE, SUMMARISE_QUEUE } from '../../queue/names.ts';
import { type PipelineStatus, pipelineStatus } from '../../queue/status.ts';
import { FEEDS_QUEUE } from '../../usecases/feed-service.ts';
import type { App } from '../app.ts';

export type { PipelineStatus } from '../../queue/status.ts';

/** `tradewire status`: what /healthz reports, from the CLI — reachability, unfinished work, queues. */
export async function statusCommand(app: App): Promise<PipelineStatus> {
  const rt = await app.queues();
  const queues = [
    INGEST_QUEUE,
    SUMMARISE_QUEUE,
    DIGEST_QUEUE,
    ASK_QUEUE,
    FEEDS_QUEUE,
    ...app.platforms.names().map(deliverQueue),
  ];
  return pipelineStatus(rt, app.store, queues);
}

export function statusText(s: PipelineStatus): string {
  const up = (ok: boolean) => (ok ? 'ok' : 'DOWN');
  const lines = [`redis ${up(s.checks.redis)}, store ${up(s.checks.store)}`];
  if (s.unfinished) {
    const u = s.unfinished;
    lines.push(
      `unfinished: ${u.unsummarised} stories unsummarised, ${u.unalerted} not matched against watches, ${u.unsettled} deliveries unsettled`,
    );
  }
  for (const [name, q] of Object.entries(s.queues ?? {})) {
    lines.push(
      `${name.padEnd(16)} ${q.waiting} waiting, ${q.active} active, ${q.delayed} delayed, ${q.failed} failed`,
    );
    if (q.lastError)
      lines.push(`${''.padEnd(16)} last error (${q.lastError.at ?? '?'}): ${q.lastError.reason}`);
  }
  return lines.join('\n');
}
