import { randomUUID } from 'node:crypto';
import { type AnswerResult, answerQuestion } from '../../ask/answer.ts';
import { parseChannel } from '../../channels.ts';
import { deliver } from '../../delivery/deliver.ts';
import type { App } from '../app.ts';

/** `tradewire ask`: the same function the chat adapters call; optionally posts the answer to a channel. */
export async function askCommand(
  app: App,
  question: string,
  opts: { threadId?: string | undefined; channel?: string | undefined },
): Promise<AnswerResult & { threadId: string | null }> {
  const channel = opts.channel;
  if (channel) parseChannel(channel);
  const threadId = opts.threadId ?? (channel ? `${channel}:cli-${randomUUID().slice(0, 8)}` : undefined);
  const result = await answerQuestion(
    {
      store: app.store,
      llm: app.llm,
      log: app.log,
      embedder: app.config.llm.embeddingModel ? app.llm : null,
    },
    { question, ...(threadId ? { threadId } : {}), ...(channel ? { channel } : {}) },
  );
  if (channel) {
    const platform = app.platforms.get(parseChannel(channel).platform);
    if (platform) {
      await deliver(app.store, platform, {
        deliveryId: `answer:${threadId}:${randomUUID().slice(0, 8)}`,
        channel,
        message: {
          kind: 'answer',
          question: result.question,
          answer: result.answer,
          grounded: result.grounded,
          citations: result.citations,
        },
      });
    }
  }
  return { ...result, threadId: threadId ?? null };
}

export function answerText(r: AnswerResult): string {
  const lines = [r.answer];
  for (const c of r.citations)
    lines.push(`[${c.n}] ${c.source}, ${c.published.slice(0, 10)}${c.url ? ` ${c.url}` : ''}`);
  if (!r.grounded) lines.push('(not grounded in stored articles)');
  return lines.join('\n');
}
