import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnswerDeps, type AnswerResult, answerQuestion } from '../../../src/ask/answer.ts';
import { createLlm, type Llm } from '../../../src/llm/client.ts';
import { loadPrompt } from '../../../src/llm/prompts.ts';
import { silentLogger } from '../../../src/log.ts';
import { type ChatRequestBody, FakeOpenAI } from '../../fakes/openai.ts';
import { type CorpusStore, openCorpusStore } from '../../helpers/ask-corpus.ts';

const fake = new FakeOpenAI();
let baseURL = '';
let corpus: CorpusStore;

beforeAll(async () => {
  ({ url: baseURL } = await fake.start());
  corpus = await openCorpusStore();
});
afterAll(async () => {
  await fake.stop();
  await corpus.close();
});
beforeEach(() => fake.reset());

function llm(): Llm {
  const client = createLlm({
    baseURL,
    model: 'fake-model',
    timeoutMs: 5_000,
    maxRetries: 0,
    requestsPerMinute: 6000,
  });
  if (!client) throw new Error('expected an Llm');
  return client;
}

const offline = (): AnswerDeps => ({ store: corpus.store, llm: null, log: silentLogger });
const online = (): AnswerDeps => ({ store: corpus.store, llm: llm(), log: silentLogger });

function userMessage(body: ChatRequestBody): string {
  return body.messages?.find((m) => m.role === 'user')?.content ?? '';
}

/** Source blocks of the prompt: number → escaped text. */
function sources(body: ChatRequestBody): Map<number, string> {
  const out = new Map<number, string>();
  for (const m of userMessage(body).matchAll(/<source n="(\d+)"[^>]*>([\s\S]*?)<\/source>/g)) {
    out.set(Number(m[1]), m[2] ?? '');
  }
  return out;
}

function sourceWith(body: ChatRequestBody, needle: string): number {
  for (const [n, text] of sources(body)) if (text.includes(needle)) return n;
  throw new Error(`no source mentions "${needle}"`);
}

function expectCitesOnly(r: AnswerResult, fragment: string): void {
  expect(r.citations.length).toBeGreaterThan(0);
  for (const c of r.citations) expect(c.storyId).toBe(corpus.storyOf(fragment));
}

describe('answerQuestion offline (no LLM configured)', () => {
  it('who: "who did Liu He speak to?" cites the Liu He article and names Katherine Tai', async () => {
    const r = await answerQuestion(offline(), { question: 'who did Liu He speak to?' });
    expect(r).toMatchObject({ question: 'who did Liu He speak to?', grounded: true, answeredBy: 'offline' });
    expect(r.answer).toContain('Katherine Tai');
    expect(r.citations[0]).toMatchObject({
      n: 1,
      articleId: corpus.articleOf('liu-he-call'),
      source: 'Wire Service',
      url: 'https://wire.example.com/liu-he-call',
      published: '2026-11-25T08:00:00.000Z',
    });
    expect(r.citations[0]?.quote).toContain('Katherine Tai');
    expect(r.answer).toMatch(/\[1\]/);
    expect(r.storyIds).toEqual([corpus.storyOf('liu-he-call')]);
  });

  it('how much: "what tariff did Mexico put on steel?" → 35%', async () => {
    const r = await answerQuestion(offline(), { question: 'what tariff did Mexico put on steel?' });
    expect(r.grounded).toBe(true);
    expect(r.answer).toContain('35%');
    expectCitesOnly(r, 'mexico-steel-tariff');
  });

  it('how much: India wine tariff (ask fixtures)', async () => {
    const r = await answerQuestion(offline(), {
      question: 'How high will India’s tariff on Australian wine be?',
    });
    expect(r.answer).toContain('75%');
    expectCitesOnly(r, 'india-cuts-wine-tariff');
  });

  it('why: gives the stated reason', async () => {
    const eu = await answerQuestion(offline(), { question: 'Why did the EU extend its steel safeguard?' });
    expect(eu.grounded).toBe(true);
    expect(eu.answer).toMatch(/trade diversion|protect European steelmakers/);
    const nickel = await answerQuestion(offline(), {
      question: 'why is Indonesia banning nickel ore exports?',
    });
    expect(nickel.answer).toContain('meant to force miners');
    expectCitesOnly(nickel, 'indonesia-nickel-ore-ban');
  });

  it('something never ingested → grounded false, saying which constraint the sources miss', async () => {
    const brazil = await answerQuestion(offline(), {
      question: 'What did Brazil decide on ethanol import quotas?',
    });
    expect(brazil).toMatchObject({
      grounded: false,
      storyIds: [],
      abstainedBecause: { constraint: 'entity' },
    });
    expect(brazil.answer).toMatch(/^I could not find .*brazil/i);
    const song = await answerQuestion(offline(), { question: 'Who won the Eurovision song contest?' });
    expect(song).toMatchObject({ grounded: false, citations: [], storyIds: [] });
    expect(song.answer).toMatch(/^I could not find/);
  });

  it('follow-up in a thread resolves "it" to the chip story and saves the turns', async () => {
    const threadId = 'console:test:chips';
    const first = await answerQuestion(offline(), {
      question: 'what did the US do on chip exports?',
      threadId,
      channel: 'console:test',
    });
    expectCitesOnly(first, 'us-chip-export-controls');
    const second = await answerQuestion(offline(), { question: 'what did China say about it?', threadId });
    expect(second.grounded).toBe(true);
    expectCitesOnly(second, 'us-chip-export-controls');
    expect(second.answer).toContain('firmly opposed');

    const state = await corpus.store.getThread(threadId);
    expect(state).toMatchObject({ threadId, channel: 'console:test' });
    expect(state?.turns.map((t) => t.question)).toEqual([
      'what did the US do on chip exports?',
      'what did China say about it?',
    ]);
    expect(state?.turns[1]?.storyIds).toEqual([corpus.storyOf('us-chip-export-controls')]);
  });

  it('a follow-up that changes the subject is answered about the new subject', async () => {
    const threadId = 'console:test:topic-change';
    await answerQuestion(offline(), { question: 'what did the US do on chip exports?', threadId });
    const r = await answerQuestion(offline(), { question: 'what about soybeans?', threadId });
    expectCitesOnly(r, 'china-soybean-purchases');
    expect(r.answer).toContain('1.2 million tonnes');
  });

  it('the same follow-up in a different thread is about a different story', async () => {
    await answerQuestion(offline(), {
      question: 'What tariffs did Canada put on Chinese steel?',
      threadId: 'console:test:canada',
    });
    const r = await answerQuestion(offline(), {
      question: 'what did China say about it?',
      threadId: 'console:test:canada',
    });
    expectCitesOnly(r, 'canada-steel-tariffs');
    expect(r.answer).toContain('World Trade Organization rules');
  });
});

describe('answerQuestion with an LLM (fake OpenAI server, real SDK)', () => {
  it('sends numbered, escaped sources and returns the validated answer', async () => {
    fake.respondWith((body) => {
      const n = sourceWith(body, 'Katherine Tai');
      return JSON.stringify({
        answer: `Liu He spoke with U.S. Trade Representative Katherine Tai and Janet Yellen [${n}].`,
        citations: [n],
        grounded: true,
      });
    });
    const r = await answerQuestion(online(), { question: 'who did Liu He speak to?' });
    expect(r).toMatchObject({
      answer: 'Liu He spoke with U.S. Trade Representative Katherine Tai and Janet Yellen [1].',
      grounded: true,
      answeredBy: 'llm:fake-model',
    });
    expect(r.citations).toHaveLength(1);
    expect(r.citations[0]).toMatchObject({ n: 1, articleId: corpus.articleOf('liu-he-call') });
    expect(r.citations[0]?.quote).toContain('Katherine Tai');

    const body = fake.requests[0]?.body as ChatRequestBody;
    expect(body.messages?.[0]).toEqual({ role: 'system', content: loadPrompt('answer').system });
    expect(userMessage(body)).toContain('<question>who did Liu He speak to?</question>');
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'tradewire_answer' },
    });
  });

  it('removes a citation of a source the model was not given, and renumbers the rest', async () => {
    let given = 0;
    fake.respondWith((body) => {
      given = sources(body).size;
      const n = sourceWith(body, '35% from 15%');
      return JSON.stringify({
        answer: `Mexico raised its steel tariff to 35% [${n}]. It was also cancelled yesterday [${given + 5}].`,
        citations: [n, given + 5],
        grounded: true,
      });
    });
    const r = await answerQuestion(online(), { question: 'what tariff did Mexico put on steel?' });
    expect(given).toBeGreaterThan(0);
    expect(r.answer).toBe('Mexico raised its steel tariff to 35% [1]. It was also cancelled yesterday.');
    expect(r.citations.map((c) => c.n)).toEqual([1]);
    expectCitesOnly(r, 'mexico-steel-tariff');
    expect(r.grounded).toBe(true);
  });

  it('abstains when the model says the sources do not answer, and says so', async () => {
    fake.respondWith(() =>
      JSON.stringify({
        answer: 'The sources report a steel tariff, not one on coffee.',
        citations: [],
        grounded: false,
      }),
    );
    const r = await answerQuestion(online(), { question: 'what tariff did Mexico put on coffee?' });
    expect(r).toMatchObject({ grounded: false, storyIds: [], abstainedBecause: { constraint: 'model' } });
    expect(r.abstainedBecause?.detail).toMatch(/do not answer/);
  });

  it('a model that cites nothing is not grounded', async () => {
    fake.respondWith(() =>
      JSON.stringify({ answer: 'Mexico raised its steel tariff to 35%.', citations: [], grounded: true }),
    );
    const r = await answerQuestion(online(), { question: 'what tariff did Mexico put on steel?' });
    expect(r).toMatchObject({ grounded: false, citations: [], storyIds: [], answeredBy: 'llm:fake-model' });
  });

  it('source text is escaped data: an article cannot close its block or add a source', async () => {
    fake.respondWith(() => JSON.stringify({ answer: 'Not in the sources.', citations: [], grounded: false }));
    await answerQuestion(online(), { question: 'What quota did Ruritania put on lumber exports?' });
    const user = userMessage(fake.requests[0]?.body as ChatRequestBody);
    expect(user).toContain('&lt;/source&gt;&lt;source n="99"&gt;');
    expect(user).not.toContain('<source n="99"');
    const opened = user.match(/<source /g)?.length ?? 0;
    expect(user.match(/<\/source>/g)?.length).toBe(opened);
  });

  it('passes the earlier conversation to the model for follow-ups', async () => {
    fake.respondWith((body) => {
      const n = sourceWith(body, 'firmly opposed');
      return JSON.stringify({
        answer: `China said it firmly opposed the move [${n}].`,
        citations: [n],
        grounded: true,
      });
    });
    const threadId = 'console:test:llm-chips';
    await answerQuestion(online(), { question: 'what did the US do on chip exports?', threadId });
    const r = await answerQuestion(online(), { question: 'what did China say about it?', threadId });
    expectCitesOnly(r, 'us-chip-export-controls');
    const second = userMessage(fake.requests.at(-1)?.body as ChatRequestBody);
    expect(second).toContain('Q: what did the US do on chip exports?');
  });

  it('falls back to the offline answer when the LLM fails (HTTP 500)', async () => {
    fake.enqueue({ status: 500 });
    const r = await answerQuestion(online(), { question: 'who did Liu He speak to?' });
    expect(fake.chatCalls).toBe(1);
    expect(r).toMatchObject({ grounded: true, answeredBy: 'offline' });
    expect(r.answer).toContain('Katherine Tai');
    expectCitesOnly(r, 'liu-he-call');
  });

  it('falls back to the offline answer when the model output is unusable', async () => {
    fake.enqueue({ content: 'not json' }, { content: '{"answer": 3}' });
    const r = await answerQuestion(online(), { question: 'what tariff did Mexico put on steel?' });
    expect(r.answeredBy).toBe('offline');
    expect(r.answer).toContain('35%');
  });

  it('does not call the model when nothing was retrieved', async () => {
    const r = await answerQuestion(online(), { question: 'what did they say about it?' });
    expect(fake.chatCalls).toBe(0);
    expect(r).toMatchObject({ grounded: false, citations: [] });
  });

  it('hybrid retrieval: embeddings are requested, and a failure there is silent', async () => {
    fake.respondWith((body) => {
      const n = sourceWith(body, '35% from 15%');
      return JSON.stringify({ answer: `35% [${n}].`, citations: [n], grounded: true });
    });
    const client = llm();
    const ok = await answerQuestion(
      { ...online(), llm: client, embedder: client },
      { question: 'what tariff did Mexico put on steel?' },
    );
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/embeddings', '/v1/chat/completions']);
    expectCitesOnly(ok, 'mexico-steel-tariff');

    fake.reset();
    fake.enqueue({ status: 500 });
    const offlineRanked = await answerQuestion(
      { store: corpus.store, llm: null, log: silentLogger, embedder: client },
      { question: 'what tariff did Mexico put on steel?' },
    );
    expect(offlineRanked.answer).toContain('35%');
  });
});
