import type { DeliveryRequest } from '../delivery/deliver.ts';
import type { AnswerMessage } from '../messages.ts';
import { type AnswerDeps, type AnswerResult, answerQuestion } from './answer.ts';

/** A question asked in a channel, as the `ask` queue carries it. */
export interface ChannelQuestion {
  requestId: string;
  question: string;
  channel: string;
  /** Conversation the question belongs to (`<channel>:<threadRef>`). */
  threadId: string;
  threadRef?: string | undefined;
  replyRef?: string | undefined;
}

/**
 * The `ask` worker's step: answer from the store (the thread's earlier turns steer it), then return the
 * delivery that posts the answer in the question's thread, or in place of the request via `replyRef`.
 * The delivery id comes from the request, so a retried job never posts a second answer.
 */
export async function answerForDelivery(deps: AnswerDeps, q: ChannelQuestion): Promise<DeliveryRequest> {
  const result = await answerQuestion(deps, {
    question: q.question,
    threadId: q.threadId,
    channel: q.channel,
  });
  return {
    deliveryId: `answer:${q.requestId}`,
    channel: q.channel,
    threadRef: q.threadRef,
    replyRef: q.replyRef,
    message: answerMessage(result),
  };
}

/** The message that posts an answer (what each platform renders with its citations). */
export function answerMessage(r: AnswerResult): AnswerMessage {
  return {
    kind: 'answer',
    question: r.question,
    answer: r.answer,
    grounded: r.grounded,
    citations: r.citations,
  };
}
