import { Worker } from 'node:worker_threads';
import type { ArticleInput, Summary } from '../domain.ts';
import type { OfflineArticle } from '../summarise/offline.ts';
import type { AnalysedArticle } from './analyse-article.ts';
import type { AnalysisReply, AnalysisRequest } from './analysis-thread.ts';

/**
 * Runs the CPU-bound half of ingest (fingerprints, relevance, passages: analyse-article.ts) and offline
 * summaries on worker threads, so the thread that holds the store and the queue connections only writes and a second core
 * can work. Results are plain data (structured clone). A thread that dies fails its pending batches;
 * callers then analyse on their own thread, so nothing is lost, only slower.
 */
export interface ArticleAnalyser {
  /** One entry per input; null where the thread could not analyse it (analyse it locally for the error). */
  analyse(inputs: ArticleInput[], nowIso: string): Promise<Array<AnalysedArticle | null>>;
  /** The offline summary of a story's articles; null where the thread could not write it. */
  summarise(articles: OfflineArticle[]): Promise<Summary | null>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (r: AnalysisReply['results']) => void;
  reject: (err: unknown) => void;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class AnalysisPool implements ArticleAnalyser {
  private readonly threads: Thread[] = [];
  private next = 0;
  private seq = 0;
  private closed = false;
  private started = false;

  /** Threads start on the first batch, so a process that ingests nothing (or little) never pays for them. */
  constructor(private readonly size: number) {}

  private spawn(): Thread {
    const here = import.meta.url;
    const ts = here.endsWith('.ts');
    const file = new URL(`./analysis-thread.${ts ? 'ts' : 'js'}`, here);
    // Sources run through tsx (tests, `npm run dev`): the thread registers the same loader first.
    const worker = ts
      ? new Worker(
          `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(file.href)}); })`,
          { eval: true },
        )
      : new Worker(file);
    const thread: Thread = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: AnalysisReply) => {
      const p = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) worker.unref();
      p?.resolve(reply.results);
    });
    const failAll = (err: unknown) => {
      for (const p of thread.pending.values()) p.reject(err);
      thread.pending.clear();
      const i = this.threads.indexOf(thread);
      if (i >= 0) this.threads.splice(i, 1);
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`analysis thread exited with code ${code}`)));
    return thread;
  }

  analyse(inputs: ArticleInput[], nowIso: string): Promise<Array<AnalysedArticle | null>> {
    return this.send({ kind: 'analyse', inputs, now: nowIso }) as Promise<Array<AnalysedArticle | null>>;
  }

  summarise(articles: OfflineArticle[]): Promise<Summary | null> {
    return this.send({ kind: 'summarise', articles }) as Promise<Summary | null>;
  }

  private send(req: DistributiveOmit<AnalysisRequest, 'id'>): Promise<AnalysisReply['results']> {
    if (!this.started && !this.closed) {
      this.started = true;
      for (let i = 0; i < this.size; i++) this.threads.push(this.spawn());
    }
    const thread = this.threads[this.next++ % Math.max(1, this.threads.length)];
    if (this.closed || !thread) return Promise.reject(new Error('no analysis thread is running'));
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage({ ...req, id } as AnalysisRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}
