import type { QueueRuntime } from '../queue/runtime.ts';
import type { Store } from '../store/store.ts';
import { summariseStats } from '../summarise/summarise-story.ts';

/** Prometheus text exposition: queue depths, pipeline counters, ledger outcomes. */
export async function renderMetrics(rt: QueueRuntime, store: Store, queues: string[]): Promise<string> {
  const lines: string[] = [
    '# HELP tradewire_queue_jobs Jobs per queue and state.',
    '# TYPE tradewire_queue_jobs gauge',
  ];
  for (const name of queues) {
    const counts = await rt.queue(name).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    for (const [state, n] of Object.entries(counts)) {
      lines.push(`tradewire_queue_jobs{queue="${name}",state="${state}"} ${n}`);
    }
  }
  lines.push(
    '# HELP tradewire_summaries_total Summaries by path since start.',
    '# TYPE tradewire_summaries_total counter',
  );
  lines.push(`tradewire_summaries_total{by="llm"} ${summariseStats.llmCalls}`);
  lines.push(`tradewire_summaries_total{by="cache"} ${summariseStats.cacheHits}`);
  lines.push(`tradewire_summaries_total{by="offline"} ${summariseStats.offline}`);
  lines.push(`tradewire_llm_failures_total ${summariseStats.llmFailures}`);
  lines.push(`tradewire_llm_tokens_total{kind="prompt"} ${summariseStats.promptTokens}`);
  lines.push(`tradewire_llm_tokens_total{kind="completion"} ${summariseStats.completionTokens}`);
  lines.push('# TYPE tradewire_articles gauge', `tradewire_articles ${await store.articleCount()}`);
  lines.push('# TYPE tradewire_stories gauge', `tradewire_stories ${await store.storyCount()}`);
  const byStatus = new Map<string, number>();
  for (const d of await store.listDeliveries({ limit: 10_000 }))
    byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + 1);
  lines.push('# TYPE tradewire_recent_deliveries gauge');
  for (const [status, n] of byStatus) lines.push(`tradewire_recent_deliveries{status="${status}"} ${n}`);
  return `${lines.join('\n')}\n`;
}
