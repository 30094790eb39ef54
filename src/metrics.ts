import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The process's one Prometheus registry and the counters the pipeline steps bump. They live here, in
 * the core beside the logger, so steps (src/llm, src/delivery, src/watch, src/summarise) never import
 * the HTTP surface; src/server/metrics.ts adds the scrape-time gauges and renders the registry.
 * Counters start at zero with each process: a rate() over them is what a dashboard wants.
 */
export const registry = new Registry();

export const llmRequests = new Counter({
  name: 'tradewire_llm_requests_total',
  help: 'LLM API calls (one per SDK call, its own retries included) by operation and outcome.',
  labelNames: ['operation', 'outcome'] as const,
  registers: [registry],
});

export const llmRequestSeconds = new Histogram({
  name: 'tradewire_llm_request_duration_seconds',
  help: 'Duration of LLM API calls, SDK retries and backoff included, by operation.',
  labelNames: ['operation'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80, 160],
  registers: [registry],
});

export const llmTokens = new Counter({
  name: 'tradewire_llm_tokens_total',
  help: 'Tokens the LLM server reported using, by kind (prompt, completion).',
  labelNames: ['kind'] as const,
  registers: [registry],
});

export const llmErrors = new Counter({
  name: 'tradewire_llm_errors_total',
  help: 'LLM operations that failed after their retries, by error code (llm/timeout, llm/rate-limited, …).',
  labelNames: ['code'] as const,
  registers: [registry],
});

export const summaries = new Counter({
  name: 'tradewire_summaries_total',
  help: 'Story summaries written, by path: llm (a model call), cache (a cached LLM summary), offline.',
  labelNames: ['path'] as const,
  registers: [registry],
});

export const deliveries = new Counter({
  name: 'tradewire_deliveries_total',
  help: 'Delivery attempts by platform and status (delivered, already-delivered, rate-limited, failed).',
  labelNames: ['platform', 'status'] as const,
  registers: [registry],
});

export const watchMatches = new Counter({
  name: 'tradewire_watch_matches_total',
  help: 'Keyword-watch matches found after a summary (each becomes an alert, posted once per watch and story).',
  registers: [registry],
});
