import { randomUUID } from 'node:crypto';
import { type AnswerResult, answerQuestion } from '../ask/answer.ts';
import { answerMessage } from '../ask/answer-delivery.ts';
import { deliver } from '../delivery/deliver.ts';
import { TradewireError } from '../errors.ts';
import type { AskJob } from '../queue/jobs.ts';
import { ASK_QUEUE, type JobRef, jobId } from '../queue/names.ts';
import type { UseCaseDeps } from './deps.ts';

export type AskResult = AnswerResult & { threadId: string | null };

function checkQuestion(question: string): string {
  const q = question.replace(/\s+/g, ' ').trim();
  if (q === '') throw new TradewireError('ask/empty', 'the question is empty');
  return q;
}

const answerDeps = (deps: UseCaseDeps) => ({
  store: deps.store,
  llm: deps.llm,
  log: deps.log,
  embedder: deps.config.llm.embeddingModel ? deps.llm : null,
});

/**
 * Answers a question now and returns the answer (the CLI's `ask`). With `channel`, the answer is also
 * posted there through the delivery ledger, in `threadId`'s conversation.
 */
export async function askQuestion(
  deps: UseCaseDeps,
  input: { question: string; threadId?: string | undefined; channel?: string | undefined },
): Promise<AskResult> {
  const question = checkQuestion(input.question);
  const target = input.channel ? deps.platforms.requireChannel(input.channel).platform : null;
  const threadId =
    input.threadId ?? (input.channel ? `${input.channel}:cli-${randomUUID().slice(0, 8)}` : undefined);
  const result = await answerQuestion(answerDeps(deps), {
    question,
    ...(threadId ? { threadId } : {}),
    ...(input.channel ? { channel: input.channel } : {}),
  });
  if (target && input.channel) {
    await deliver(deps.store, target, {
      deliveryId: `answer:${threadId}:${randomUUID().slice(0, 8)}`,
      channel: input.channel,
      message: answerMessage(result),
    });
  }
  return { ...result, threadId: threadId ?? null };
}

/**
 * Queues a question asked in a channel (a slash command, a mention, a thread reply): chat platforms
 * must be answered within seconds, so the answer is worked out by the `ask` queue's worker and arrives
 * as a delivery — in the request's thread, or in place of the request through `replyRef`.
 */
export async function requestAnswer(
  deps: UseCaseDeps,
  input: {
    question: string;
    channel: string;
    user: string;
    threadRef?: string | undefined;
    replyRef?: string | undefined;
  },
): Promise<{ threadId: string; job: JobRef; question: string }> {
  const question = checkQuestion(input.question);
  deps.platforms.requireChannel(input.channel);
  const requestId = randomUUID();
  const threadId = input.threadRef
    ? `${input.channel}:${input.threadRef}`
    : `${input.channel}:ask-${requestId}`;
  const data: AskJob = {
    requestId,
    question,
    channel: input.channel,
    user: input.user,
    threadId,
    ...(input.threadRef ? { threadRef: input.threadRef } : {}),
    ...(input.replyRef ? { replyRef: input.replyRef } : {}),
  };
  const job: JobRef = { queue: ASK_QUEUE, id: jobId('ask', requestId) };
  await (await deps.queues()).queue(ASK_QUEUE).add('ask', data, { jobId: job.id });
  return { threadId, job, question };
}
