import type { AnswerResult } from '../../ask/answer.ts';
import { type AskResult, askQuestion } from '../../usecases/ask.ts';
import type { App } from '../app.ts';

/** `tradewire ask`: the same use case the chat adapters reach; optionally posts the answer to a channel. */
export function askCommand(
  app: App,
  question: string,
  opts: { threadId?: string | undefined; channel?: string | undefined },
): Promise<AskResult> {
  return askQuestion(app.deps, { question, threadId: opts.threadId, channel: opts.channel });
}

export function answerText(r: AnswerResult): string {
  const lines = [r.answer];
  for (const c of r.citations)
    lines.push(`[${c.n}] ${c.source}, ${c.published.slice(0, 10)}${c.url ? ` ${c.url}` : ''}`);
  if (!r.grounded) lines.push('(not grounded in stored articles)');
  return lines.join('\n');
}
