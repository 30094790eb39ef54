import type { ArticleInput } from '../domain.ts';
import type { IngestResult, Store } from '../store/store.ts';
import { type AnalysedArticle, analyseArticle } from './analyse-article.ts';
import type { ArticleAnalyser } from './analysis-pool.ts';
import { ingestAnalysed } from './ingest-article.ts';

/** Articles per analysis request: small enough that the store starts writing while the rest are analysed. */
export const ANALYSIS_CHUNK = 100;

type Store3 = Pick<Store, 'storyCandidates' | 'storyFingerprints' | 'addArticle'>;

/**
 * Ingests a batch of records, each its own atomic write (see ingestArticle). With an analyser, every
 * chunk is handed to the analysis threads at once and the store writes each chunk as soon as it is
 * back, so analysing and writing overlap. A record the threads could not analyse is analysed here,
 * which rejects it with its real error.
 *
 * Writes of a chunk are issued together, so the store commits them at once — except that an article
 * sharing a lookup key with an earlier one of the chunk waits for it (a later "wave"): copies of one
 * event arriving together are then placed one after the other, in input order, instead of all reading
 * the same candidates, all deciding "new story" and all but one being sent back to read again.
 */
export async function ingestBatch(
  store: Store3,
  analyser: ArticleAnalyser | null | undefined,
  records: readonly ArticleInput[],
  now: Date = new Date(),
): Promise<Array<PromiseSettledResult<IngestResult>>> {
  const nowIso = now.toISOString();
  // A batch of one chunk has nothing to overlap with: analysing it here is as fast.
  const threads = records.length > ANALYSIS_CHUNK ? analyser : null;
  const chunks: Array<{ from: number; analysed: Promise<Array<AnalysedArticle | null>> | null }> = [];
  for (let from = 0; from < records.length; from += ANALYSIS_CHUNK) {
    const analysed = threads?.analyse(records.slice(from, from + ANALYSIS_CHUNK), nowIso) ?? null;
    // Failures fall back to local analysis below; never leave a rejection unhandled meanwhile.
    analysed?.catch(() => {});
    chunks.push({ from, analysed });
  }
  const out: Array<PromiseSettledResult<IngestResult>> = [];
  for (const { from, analysed } of chunks) {
    const done: Array<AnalysedArticle | null> = analysed === null ? [] : await analysed.catch(() => []);
    const part = records.slice(from, from + ANALYSIS_CHUNK).map((record, i): AnalysedArticle | Error => {
      try {
        return done[i] ?? analyseArticle(record, nowIso);
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    });
    out.push(...(await ingestInWaves(store, part)));
  }
  return out;
}

async function ingestInWaves(
  store: Store3,
  part: ReadonlyArray<AnalysedArticle | Error>,
): Promise<Array<PromiseSettledResult<IngestResult>>> {
  const results: Array<PromiseSettledResult<IngestResult>> = new Array(part.length);
  const waves: number[][] = [];
  const waveOfKey = new Map<string, number>();
  part.forEach((a, i) => {
    if (a instanceof Error) {
      results[i] = { status: 'rejected', reason: a };
      return;
    }
    let w = 0;
    for (const k of a.article.bandKeys) w = Math.max(w, (waveOfKey.get(k) ?? -1) + 1);
    for (const k of a.article.bandKeys) waveOfKey.set(k, w);
    const wave = waves[w] ?? [];
    waves[w] = wave;
    wave.push(i);
  });
  for (const wave of waves) {
    const settled = await Promise.allSettled(
      wave.map((i) => ingestAnalysed(store, part[i] as AnalysedArticle)),
    );
    settled.forEach((s, j) => {
      results[wave[j]!] = s;
    });
  }
  return results;
}
