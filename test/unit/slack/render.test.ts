import { describe, expect, it } from 'vitest';
import { payloadChars, SLACK_LIMITS, type SlackPayload } from '../../../adapters/slack/blocks.ts';
import { safeUrl } from '../../../adapters/slack/escape.ts';
import { renderSlack, SLACK_PLATFORM_LIMITS } from '../../../adapters/slack/render.ts';
import { digest, HOSTILE, story } from './slack-fixtures.ts';

/** Every text field of a payload, with its kind of text object. */
function texts(p: SlackPayload): Array<{ text: string; where: string }> {
  const out: Array<{ text: string; where: string }> = [{ text: p.text, where: 'fallback' }];
  const visit = (v: unknown, where: string): void => {
    if (Array.isArray(v)) for (const x of v) visit(x, where);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const type = typeof o.type === 'string' ? o.type : where;
      for (const [k, x] of Object.entries(o)) {
        if (k === 'text' && typeof x === 'string') out.push({ text: x, where: type });
        else visit(x, type);
      }
    }
  };
  visit(p.blocks, 'blocks');
  return out;
}

function expectWithinLimits(payloads: SlackPayload[]): void {
  expect(payloads.length).toBeLessThanOrEqual(SLACK_PLATFORM_LIMITS.messagesPerPost);
  for (const p of payloads) {
    expect(p.text.length).toBeGreaterThan(0);
    expect(p.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(payloadChars(p)).toBeLessThanOrEqual(SLACK_LIMITS.messageChars);
    expect(p.text.length).toBeLessThanOrEqual(40_000);
    for (const t of texts(p)) {
      expect(t.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars);
      if (t.where === 'header') expect(t.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerChars);
    }
  }
}

/** Angle brackets that Slack would parse: only our own http(s) links may remain. */
function expectNoSpecialSyntax(payloads: SlackPayload[]): void {
  for (const p of payloads) {
    for (const { text } of texts(p)) {
      for (const m of text.matchAll(/<([^>]*)>/g)) expect(m[1]).toMatch(/^https?:\/\/[^|<>\s]+\|[^<>]*$/);
      expect(text).not.toMatch(/<!(channel|here|everyone)|<@U|<!subteam/);
    }
  }
}

describe('Slack digest rendering', () => {
  it('a short digest is one message: header, a section + sources + divider per story', () => {
    const [p, ...rest] = renderSlack(digest([story(1), story(2)]));
    expect(rest).toHaveLength(0);
    expect(p!.blocks[0]).toMatchObject({
      type: 'header',
      text: { type: 'plain_text', text: 'Trade digest — Fri 20 Nov 2026' },
    });
    expect(p!.blocks.filter((b) => b.type === 'divider')).toHaveLength(2);
    const sources = JSON.stringify(p!.blocks);
    expect(sources).toContain('<https://news.example/1/0|Wire 0>');
    expect(p!.text).toContain('Country 1 raises steel tariffs');
  });

  it('60 long stories split across messages within every limit, the rest counted as "…and N more"', () => {
    const stories = Array.from({ length: 60 }, (_, i) => story(i + 1, { pad: 40, sources: 12 }));
    const payloads = renderSlack(digest(stories, 5, 'A week of steel and chips.'));
    expectWithinLimits(payloads);
    expect(payloads.length).toBe(SLACK_PLATFORM_LIMITS.messagesPerPost);
    const shown = payloads.flatMap((p) => p.blocks).filter((b) => b.type === 'divider').length;
    const last = JSON.stringify(payloads.at(-1)!.blocks);
    expect(last).toContain(`…and ${60 - shown + 5} more stories.`);
    expect(payloads[1]!.text).toMatch(/\(2\/4\)/);
  });

  it('many short stories are split by the 50-block limit, none lost', () => {
    const stories = Array.from({ length: 40 }, (_, i) => story(i + 1));
    const payloads = renderSlack(digest(stories));
    expectWithinLimits(payloads);
    const shown = payloads.flatMap((p) => p.blocks).filter((b) => b.type === 'divider').length;
    expect(shown).toBe(40);
    expect(JSON.stringify(payloads)).not.toContain('more stories');
  });

  it('one huge story is truncated at a safe point, never past 3,000 characters a section', () => {
    const payloads = renderSlack(
      digest([story(1, { pad: 400, sources: 300, summary: `${'&'.repeat(5000)}` })]),
    );
    expectWithinLimits(payloads);
    for (const { text } of payloads.flatMap(texts)) expect(text).not.toMatch(/&(a|am|amp)?…/);
  });

  it('an empty digest still says so', () => {
    const [p] = renderSlack(digest([]));
    expect(JSON.stringify(p!.blocks)).toContain('No new trade stories');
  });
});

describe('untrusted article text', () => {
  it('mass mentions, user mentions and fake links render as inert text', () => {
    const evil = story(1, { headline: HOSTILE, summary: HOSTILE, keyPoints: [HOSTILE] });
    evil.sources = [
      {
        articleId: 'x',
        source: HOSTILE,
        url: 'javascript:alert(1)',
        title: HOSTILE,
        published: '2026-11-20',
      },
      {
        articleId: 'y',
        source: 'Pipe|Wire>',
        url: 'https://ok.example/a|b>c<d',
        title: 't',
        published: '2026-11-20',
      },
    ];
    const all = [
      ...renderSlack(digest([evil], 0, HOSTILE)),
      ...renderSlack({ kind: 'alert', watchId: 'w1', query: HOSTILE, matchedTerms: [HOSTILE], story: evil }),
      ...renderSlack({ kind: 'notice', title: HOSTILE, text: HOSTILE }),
      ...renderSlack({
        kind: 'answer',
        question: HOSTILE,
        answer: HOSTILE,
        grounded: true,
        citations: [
          {
            n: 1,
            articleId: 'x',
            storyId: 's1',
            source: HOSTILE,
            url: '<!channel>',
            published: '2026-11-20',
            quote: HOSTILE,
          },
        ],
      }),
    ];
    expectNoSpecialSyntax(all);
    const json = JSON.stringify(all);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('<https://ok.example/a%7Cb%3Ec%3Cd|Pipe¦Wire&gt;>');
    expect(json).not.toContain('<javascript:');
    // mrkdwn objects are verbatim: Slack does not auto-link or auto-mention inside them.
    for (const p of all)
      for (const b of p.blocks) if (b.type === 'section') expect(b.text).toMatchObject({ verbatim: true });
  });

  it('only http(s) URLs become links', () => {
    expect(safeUrl('https://a.example/x?y=1')).toBe('https://a.example/x?y=1');
    for (const bad of [
      'javascript:alert(1)',
      'slack://open',
      'mailto:a@b',
      'https://u:p@a.example/',
      'not a url',
      '',
    ]) {
      expect(safeUrl(bad)).toBeNull();
    }
  });
});

describe('alerts and answers', () => {
  it('an alert carries a button that stops its watch', () => {
    const [p] = renderSlack({
      kind: 'alert',
      watchId: 'w1a2b3c4',
      query: 'steel -canada',
      matchedTerms: ['steel'],
      story: story(1),
    });
    const actions = p!.blocks.find((b) => b.type === 'actions');
    expect(actions).toMatchObject({
      elements: [{ type: 'button', action_id: 'unwatch', value: 'w1a2b3c4' }],
    });
    expect(p!.text).toMatch(/^Watch alert \(steel -canada\)/);
  });

  it('an answer lists numbered citation links; a long answer stays within limits', () => {
    const citations = Array.from({ length: 30 }, (_, i) => ({
      n: i + 1,
      articleId: `a${i}`,
      storyId: `s${i}`,
      source: `Wire ${i}`,
      url: `https://news.example/${i}`,
      published: '2026-11-20T00:00:00Z',
      quote: 'Duties rise to 25 percent on steel coils. '.repeat(10),
    }));
    const [p, ...rest] = renderSlack({
      kind: 'answer',
      question: 'What did Canada do?',
      answer: 'Canada raised duties [1]. '.repeat(600),
      grounded: true,
      citations,
    });
    expect(rest).toHaveLength(0);
    expectWithinLimits([p!]);
    const json = JSON.stringify(p!.blocks);
    expect(json).toContain('[1] <https://news.example/0|Wire 0>, 2026-11-20');
  });
});
