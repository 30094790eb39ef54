import { parentPort } from 'node:worker_threads';
import type { ArticleInput } from '../domain.ts';
import { type AnalysedArticle, analyseArticle } from './analyse-article.ts';

/**
 * The body of an analysis thread (see analysis-pool.ts): analyses batches of articles. A record that
 * fails comes back as null; the caller analyses it again on its own thread, which throws the real error.
 */
export interface AnalysisRequest {
  id: number;
  inputs: ArticleInput[];
  now: string;
}
export interface AnalysisReply {
  id: number;
  results: Array<AnalysedArticle | null>;
}

parentPort?.on('message', (req: AnalysisRequest) => {
  const results = req.inputs.map((input) => {
    try {
      return analyseArticle(input, req.now);
    } catch {
      return null;
    }
  });
  parentPort?.postMessage({ id: req.id, results } satisfies AnalysisReply);
});
