import { isTradewireError } from '../errors.ts';
import type { Llm } from '../llm/client.ts';
import {
  type LlmSummaryResult,
  type StoryInput,
  type SummariserArticle,
  storyInput,
  summariseBatchWithLlm,
  summariseInputWithLlm,
} from './llm-summariser.ts';

export interface SummaryBatchOptions {
  /** Most stories in one call (1: every story its own call). */
  maxStories: number;
  /** How long the first waiting story waits for company before its call goes out. */
  waitMs: number;
  /** Most article text (characters) in one call; a story that would pass it starts the next call. */
  maxChars?: number;
}

/** Read by benches and tests; /metrics counts requests and tokens itself. */
export const batchStats = { calls: 0, stories: 0, soloRetries: 0 };

const DEFAULT_MAX_CHARS = 48_000;

interface Waiting {
  /** Built once: its size decides the call it joins, and it is what that call sends. */
  input: StoryInput;
  resolve: (result: LlmSummaryResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Gathers the stories this process is summarising at the same moment (the summarise worker runs
 * several jobs at once) into one LLM call, so the instruction block is paid once per call instead of
 * once per story, and a requests-per-minute cap summarises several stories per request. Each story
 * still has its own job and its own promise: nothing is acknowledged before its own summary is back.
 *
 * A story the reply leaves out, or whose entry fails validation, is summarised alone; a reply that is
 * unusable as a whole sends every story of the call alone; a failed call (LLM down, breaker open,
 * rate limited past the retries) fails each story of it, which then takes the offline path.
 */
export class SummaryBatcher {
  private waiting: Waiting[] = [];
  private waitingChars = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly maxChars: number;

  constructor(
    private readonly llm: Llm,
    private readonly opts: SummaryBatchOptions,
  ) {
    this.maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  }

  summarise(articles: SummariserArticle[]): Promise<LlmSummaryResult> {
    const input = storyInput(articles);
    if (this.opts.maxStories <= 1) return summariseInputWithLlm(this.llm, input);
    const chars = input.blocks.length;
    return new Promise<LlmSummaryResult>((resolve, reject) => {
      if (this.waiting.length > 0 && this.waitingChars + chars > this.maxChars) this.flush();
      this.waiting.push({ input, resolve, reject });
      this.waitingChars += chars;
      if (this.waiting.length >= this.opts.maxStories || this.waitingChars >= this.maxChars) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.waitMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const group = this.waiting;
    this.waiting = [];
    this.waitingChars = 0;
    if (group.length > 0) void this.send(group);
  }

  private async send(group: Waiting[]): Promise<void> {
    batchStats.calls++;
    batchStats.stories += group.length;
    if (group.length === 1) {
      const [only] = group as [Waiting];
      await summariseInputWithLlm(this.llm, only.input).then(only.resolve, only.reject);
      return;
    }
    let results: Array<LlmSummaryResult | null>;
    try {
      results = await summariseBatchWithLlm(
        this.llm,
        group.map((w) => w.input),
      );
    } catch (err) {
      // A reply unusable as a whole may be the batch framing: each story gets a call of its own.
      // Any other failure is the LLM's, and would fail the single calls too.
      if (isTradewireError(err) && err.code === 'llm/bad-output') results = group.map(() => null);
      else {
        for (const w of group) w.reject(err);
        return;
      }
    }
    await Promise.all(
      group.map(async (w, i) => {
        const result = results[i];
        if (result) return w.resolve(result);
        batchStats.soloRetries++;
        await summariseInputWithLlm(this.llm, w.input).then(w.resolve, w.reject);
      }),
    );
  }
}
