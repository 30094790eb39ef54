import { parentPort } from 'node:worker_threads';
import type { ArticleInput, Summary } from '../domain.ts';
import { type OfflineArticle, summariseOffline } from '../summarise/offline.ts';
import { type AnalysedArticle, analyseArticle } from './analyse-article.ts';

/**
 * The body of an analysis thread (see analysis-pool.ts): analyses batches of articles, or writes an
 * offline summary. Anything that fails comes back as null; the caller then does the work on its own
 * thread, which throws the real error.
 */
export type AnalysisRequest =
  | { id: number; kind: 'analyse'; inputs: ArticleInput[]; now: string }
  | { id: number; kind: 'summarise'; articles: OfflineArticle[] };
export interface AnalysisReply {
  id: number;
  results: Array<AnalysedArticle | null> | Summary | null;
}

const attempt = <T>(fn: () => T): T | null => {
  try {
    return fn();
  } catch {
    return null;
  }
};

parentPort?.on('message', (req: AnalysisRequest) => {
  const results =
    req.kind === 'analyse'
      ? req.inputs.map((input) => attempt(() => analyseArticle(input, req.now)))
      : attempt(() => summariseOffline(req.articles));
  parentPort?.postMessage({ id: req.id, results } satisfies AnalysisReply);
});
