import type { Summary } from '../domain.ts';
import { isTradewireError, TradewireError } from '../errors.ts';
import type { Llm } from '../llm/client.ts';
import { loadPrompt } from '../llm/prompts.ts';
import type { Logger } from '../log.ts';
import { summaries } from '../metrics.ts';
import type { Store, StoryArticle } from '../store/store.ts';
import { summariseWithLlm, summaryCacheKey } from './llm-summariser.ts';
import { type OfflineArticle, summariseOffline } from './offline.ts';
import type { SummaryBatcher } from './summary-batcher.ts';

export const OFFLINE_SUMMARISER = 'offline';
export const OFFLINE_PROMPT_VERSION = 'offline-1';
/**
 * Prompt version of an offline summary written because the LLM failed (down, breaker open, rate
 * limited): the store's mark that the story is to be re-summarised by the LLM once it is back
 * (automatically when the breaker closes, or `tradewire resummarise`).
 */
export const LLM_FALLBACK_PROMPT_VERSION = `${OFFLINE_PROMPT_VERSION}+llm-fallback`;

export interface SummariseDeps {
  store: Store;
  llm: Llm | null;
  log: Logger;
  /** How long a claim on a story's summary lasts (default: enough for a call with all its retries). */
  summaryLeaseMs?: number;
  /** Writes offline summaries off this thread (null: could not; then this thread writes it). */
  offlineOnThread?: ((articles: OfflineArticle[]) => Promise<Summary | null>) | null | undefined;
  /** Puts stories summarised at the same moment into one LLM call (without it: one call per story). */
  batcher?: SummaryBatcher | null | undefined;
}

export const DEFAULT_SUMMARY_LEASE_MS = 5 * 60_000;

export type SummariseOutcome =
  | { status: 'summarised'; version: number; summarisedBy: string; cached: boolean; fallback: string | null }
  | { status: 'up-to-date'; version: number }
  | { status: 'missing' };

/** Counters a benchmark can read synchronously (/metrics has its own: src/metrics.ts). */
export const summariseStats = {
  llmCalls: 0,
  llmFailures: 0,
  cacheHits: 0,
  offline: 0,
  promptTokens: 0,
  completionTokens: 0,
};

/**
 * Writes the summary the story currently wants. Idempotent: a story already at its wanted version is
 * left alone, so a re-run job (stalled worker, duplicate enqueue) does no work and no LLM call.
 *
 * With an LLM: cached by content hashes + prompt version + model; on 429/5xx/timeouts the SDK retries
 * with backoff (honouring retry-after), then this falls back to the offline summariser so the story
 * is never left without a summary.
 */
export async function summariseStory(deps: SummariseDeps, storyId: string): Promise<SummariseOutcome> {
  // Jobs for the same story (a re-run, or versions 1 and 2 queued together) wait for the one in
  // flight and then find the story up to date: one LLM call, not two.
  let running = inFlight(deps.store);
  for (let prev = running.get(storyId); prev; prev = running.get(storyId)) await prev.catch(() => {});
  running = inFlight(deps.store);
  const p = summariseNow(deps, storyId);
  running.set(storyId, p);
  try {
    return await p;
  } finally {
    if (running.get(storyId) === p) running.delete(storyId);
  }
}

const inFlightByStore = new WeakMap<Store, Map<string, Promise<SummariseOutcome>>>();
function inFlight(store: Store): Map<string, Promise<SummariseOutcome>> {
  let m = inFlightByStore.get(store);
  if (!m) {
    m = new Map();
    inFlightByStore.set(store, m);
  }
  return m;
}

async function summariseNow(deps: SummariseDeps, storyId: string): Promise<SummariseOutcome> {
  const { store, llm, log } = deps;
  const story = await store.getStory(storyId);
  if (!story) return { status: 'missing' };
  const version = story.wantedSummaryVersion;
  if (story.summaryVersion >= version) return { status: 'up-to-date', version: story.summaryVersion };
  const articles = await store.storyArticles(storyId);
  if (articles.length === 0) return { status: 'missing' };
  if (llm) {
    // Another process may be summarising this story right now: one LLM call, not two. The lease
    // covers a whole call with its retries; if that process dies, the lease runs out and we take over.
    const claim = await store.claimSummary(storyId, deps.summaryLeaseMs ?? DEFAULT_SUMMARY_LEASE_MS);
    if (!claim.claimed) {
      const again = await store.getStory(storyId);
      if (again && again.summaryVersion >= again.wantedSummaryVersion) {
        return { status: 'up-to-date', version: again.summaryVersion };
      }
      throw new TradewireError('summarise/in-progress', `story ${storyId} is being summarised elsewhere`, {
        retryable: true,
        retryAfterMs: Math.max(1_000, claim.retryInMs),
      });
    }
  }

  let summary: Summary | null = null;
  let summarisedBy = OFFLINE_SUMMARISER;
  let promptVersion = OFFLINE_PROMPT_VERSION;
  let cached = false;
  let fallback: string | null = null;

  if (llm) {
    const got = await summariseWithCache(store, llm, articles, deps.batcher ?? null).catch((err: unknown) => {
      summariseStats.llmFailures++;
      fallback = isTradewireError(err) ? err.code : 'llm/error';
      // An open breaker is expected while the LLM is down: one line per story would flood the log.
      (fallback === 'llm/circuit-open' ? log.debug : log.warn).call(
        log,
        'LLM summary failed, using the offline summariser',
        {
          story: storyId,
          code: fallback,
          err: err instanceof Error ? err.message : String(err),
        },
      );
      return null;
    });
    if (got) ({ summary, summarisedBy, promptVersion, cached } = got);
  }
  if (!summary) {
    summariseStats.offline++;
    const elsewhere = deps.offlineOnThread
      ? await deps.offlineOnThread(offlineArticles(articles)).catch(() => null)
      : null;
    summary = elsewhere ?? offlineSummary(articles);
    if (fallback !== null) promptVersion = LLM_FALLBACK_PROMPT_VERSION;
  }
  const saved = await store.saveSummary({ ...summary, storyId, version, summarisedBy, promptVersion });
  if (saved && fallback !== null) {
    await llm?.deferStory?.(storyId).catch((err: unknown) => {
      log.warn('could not note the story for re-summarising', { story: storyId, err: String(err) });
    });
  }
  summaries.inc({ path: summarisedBy === OFFLINE_SUMMARISER ? 'offline' : cached ? 'cache' : 'llm' });
  return { status: 'summarised', version, summarisedBy, cached, fallback };
}

const offlineArticles = (articles: StoryArticle[]): OfflineArticle[] =>
  articles.map((a) => ({
    title: a.title,
    titleDerived: a.titleDerived,
    body: a.body,
    source: a.source,
    published: a.published,
  }));

export function offlineSummary(articles: StoryArticle[]): Summary {
  return summariseOffline(offlineArticles(articles));
}

async function summariseWithCache(
  store: Store,
  llm: Llm,
  articles: StoryArticle[],
  batcher: SummaryBatcher | null,
): Promise<{ summary: Summary; summarisedBy: string; promptVersion: string; cached: boolean }> {
  const promptVersion = loadPrompt('summarise').version;
  const key = summaryCacheKey(
    articles.map((a) => a.contentHash),
    promptVersion,
    llm.model,
  );
  const hit = await store.cachedSummary(key);
  if (hit) {
    summariseStats.cacheHits++;
    return { ...hit, cached: true };
  }
  summariseStats.llmCalls++;
  const input = articles.map((a) => ({
    title: a.title,
    body: a.body,
    source: a.source,
    published: a.published,
  }));
  // The cache key names the single-story prompt: a batched summary answers the same instructions.
  const res = await (batcher ? batcher.summarise(input) : summariseWithLlm(llm, input));
  summariseStats.promptTokens += res.usage.promptTokens;
  summariseStats.completionTokens += res.usage.completionTokens;
  const value = { summary: res.summary, summarisedBy: `llm:${llm.model}`, promptVersion: res.promptVersion };
  await store.cacheSummary(key, value);
  return { ...value, cached: false };
}
