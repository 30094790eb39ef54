import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTradewireError } from '../../../src/errors.ts';
import { FakeSlack } from '../../fakes/slack.ts';
import { digest, story } from '../../unit/slack/slack-fixtures.ts';
import { platformFor } from './slack-setup.ts';

const answer = {
  kind: 'answer' as const,
  question: 'What did country 1 do?',
  answer: 'It raised steel tariffs [1].',
  grounded: true,
  citations: [
    {
      n: 1,
      articleId: 'a1',
      storyId: 's1',
      source: 'Wire 0',
      url: 'https://news.example/1/0',
      published: '2026-11-20',
      quote: 'raised duties',
    },
  ],
};

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('Slack posting through the real Web API client', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('posts Block Kit with the delivery id in metadata, never link_names, and finds it again', async () => {
    const slack = platformFor(fake);
    const posted = await slack.post('slack:C100', digest([story(1), story(2)]), {
      idempotencyKey: 'digest:slack:C100:d1',
    });
    const [m] = fake.posted('C100');
    expect(m!.ts).toBe(posted.ref);
    expect(posted).toEqual({ ref: m!.ts, refs: [m!.ts], threadRef: m!.ts });
    expect(m!.metadata).toEqual({
      event_type: 'tradewire_delivery',
      event_payload: { delivery_id: 'digest:slack:C100:d1', part: 0, parts: 1 },
    });
    expect(m!.sent.link_names).toBe('false');
    expect(m!.blocks[0]).toMatchObject({ type: 'header' });
    // A second process (fresh platform) recognises the post after a crash.
    expect(await platformFor(fake).findPosted('slack:C100', 'digest:slack:C100:d1')).toEqual(posted);
    expect(await platformFor(fake).findPosted('slack:C100', 'digest:slack:C100:other')).toBeNull();
  });

  it('a split digest returns every ts; a 429 mid-way resumes with the missing messages only', async () => {
    const slack = platformFor(fake);
    const big = digest(Array.from({ length: 40 }, (_, i) => story(i + 1)));
    const parts = slack.render(big).length;
    expect(parts).toBeGreaterThan(1);
    // The second message of the split is rate-limited once.
    fake.rateLimit('chat.postMessage', 1, { channel: 'C200', after: 1 });
    const err = await rejection(slack.post('slack:C200', big, { idempotencyKey: 'digest:big' }));
    expect(isTradewireError(err, 'platform/rate-limited')).toBe(true);
    expect(fake.posted('C200')).toHaveLength(1);
    const posted = await slack.post('slack:C200', big, { idempotencyKey: 'digest:big' });
    const all = fake.posted('C200');
    expect(all).toHaveLength(parts);
    expect(posted.refs).toEqual(all.map((m) => m.ts));
    expect(all.map((m) => m.metadata?.event_payload.part)).toEqual([...Array(parts).keys()]);
    expect(await platformFor(fake).findPosted('slack:C200', 'digest:big')).toEqual(posted);
  });

  it('after a crash part-way through a split, a new process posts only the missing messages', async () => {
    const big = digest(Array.from({ length: 40 }, (_, i) => story(i + 1)));
    fake.inject({
      method: 'chat.postMessage',
      channel: 'C210',
      status: 500,
      error: 'fatal_error',
      after: 1,
      times: 1,
    });
    const err = await rejection(
      platformFor(fake).post('slack:C210', big, { idempotencyKey: 'digest:crash' }),
    );
    expect(isTradewireError(err, 'platform/unavailable')).toBe(true);
    const next = platformFor(fake);
    expect(await next.findPosted('slack:C210', 'digest:crash')).toBeNull();
    const posted = await next.post('slack:C210', big, { idempotencyKey: 'digest:crash' });
    expect(fake.posted('C210').map((m) => m.ts)).toEqual(posted.refs);
    expect(posted.refs).toHaveLength(next.render(big).length);
  });

  it('answers in a thread are found again through conversations.replies', async () => {
    const slack = platformFor(fake);
    const mention = fake.addUserMessage('C300', 'UALICE', '<@UTRADEBOT> what did country 1 do?');
    const posted = await slack.post('slack:C300', answer, {
      idempotencyKey: 'answer:q1',
      threadRef: mention.ts,
    });
    expect(posted.threadRef).toBe(mention.ts);
    expect(fake.posted('C300').at(-1)!.thread_ts).toBe(mention.ts);
    expect(await platformFor(fake).findPosted('slack:C300', 'answer:q1')).toEqual(posted);
  });

  it('a 429 becomes platform/rate-limited with Retry-After, and only that channel waits', async () => {
    const slack = platformFor(fake, { channelIntervalMs: 50 });
    fake.rateLimit('chat.postMessage', 2, { channel: 'C400' });
    const err = await rejection(slack.post('slack:C400', answer, { idempotencyKey: 'rl:1' }));
    expect(isTradewireError(err, 'platform/rate-limited')).toBe(true);
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 2_000 });
    const t0 = Date.now();
    await slack.post('slack:C401', answer, { idempotencyKey: 'rl:2' });
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(fake.posted('C401')).toHaveLength(1);
  });

  it('a permanent refusal is platform/rejected, not retried', async () => {
    const slack = platformFor(fake);
    const before = fake.calls.length;
    const err = await rejection(slack.post('slack:XNOPE', answer, { idempotencyKey: 'p:3' }));
    expect(isTradewireError(err, 'platform/rejected')).toBe(true);
    expect(err).toMatchObject({ retryable: false });
    expect(fake.calls.length - before).toBe(1);
  });
});
