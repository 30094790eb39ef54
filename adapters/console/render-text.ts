import type { AnswerMessage, OutgoingMessage, StoryItem } from '../../src/messages.ts';

/** Plain-text rendering, used by the console channel and `digest --render text`. */

// Control characters (other than newline/tab) from article text must not reach a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const clean = (s: string): string => s.replace(CONTROL, '');
/** Only web links are shown: a `javascript:` or `file:` URL from an article is dropped. */
const link = (url: string | null): string => (url && /^https?:\/\//i.test(url) ? ` <${clean(url)}>` : '');

function day(iso: string): string {
  return iso.slice(0, 10);
}

function sourcesLine(item: StoryItem): string {
  const parts = item.sources.map((s, i) => {
    return `[${i + 1}] ${clean(s.source)}, ${day(s.published)}${link(s.url)}`;
  });
  return `Sources (${item.sources.length}): ${parts.join('; ')}`;
}

function storyBlock(item: StoryItem, index?: number, why = false): string[] {
  const lines = [`${index === undefined ? '' : `${index}. `}${clean(item.headline)}`];
  if (item.summary) lines.push(`   ${clean(item.summary)}`);
  for (const p of item.keyPoints) lines.push(`   • ${clean(p)}`);
  lines.push(`   ${sourcesLine(item)}`);
  if (why && item.why) lines.push(`   ${whyLine(item.why)}`);
  return lines;
}

/** Why a story is in the digest, so users can tune TRADEWIRE_MIN_RELEVANCE. */
function whyLine(why: NonNullable<StoryItem['why']>): string {
  const instruments = why.instruments.length > 0 ? `; instruments: ${why.instruments.join(', ')}` : '';
  const combined =
    why.llmRelevance !== undefined && why.classifierRelevance !== undefined
      ? ` (classifier ${why.classifierRelevance.toFixed(2)}, model ${why.llmRelevance.toFixed(2)}, ${why.relevanceRule === 'mean' ? 'averaged' : 'lower kept: no instrument named'})`
      : '';
  return `Why: trade relevance ${why.tradeRelevance.toFixed(2)}${combined}${instruments}`;
}

function answerText(m: AnswerMessage): string {
  const lines = [`Q: ${clean(m.question)}`, clean(m.answer)];
  if (m.citations.length > 0) {
    lines.push('');
    for (const c of m.citations) {
      lines.push(`[${c.n}] ${clean(c.source)}, ${day(c.published)}${link(c.url)}`);
    }
  }
  if (!m.grounded) lines.push('(Not grounded: the stored articles do not clearly support an answer.)');
  return lines.join('\n');
}

const more = (n: number): string => `…and ${n} more ${n === 1 ? 'story' : 'stories'}.`;

/** Plain text of one message; a digest keeps to `maxChars`, stories past it counted in "…and N more". */
export function renderText(m: OutgoingMessage, maxChars = Number.POSITIVE_INFINITY): string {
  switch (m.kind) {
    case 'digest': {
      const head = `Trade digest — ${m.periodLabel} (${m.timezone})`;
      if (m.stories.length === 0) return `${head}\nNo new trade stories in this period.`;
      let text = m.intro ? `${head}\n\n${clean(m.intro)}` : head;
      // Room for the longest possible "…and N more" line.
      const budget = maxChars - more(m.stories.length + m.more).length - 2;
      let shown = 0;
      for (const [i, s] of m.stories.entries()) {
        const block = `\n\n${storyBlock(s, i + 1, true).join('\n')}`;
        if (text.length + block.length > budget && shown > 0) break;
        text += block.length <= budget ? block : block.slice(0, Math.max(0, budget - text.length));
        shown++;
      }
      const rest = m.stories.length - shown + m.more;
      return rest > 0 ? `${text}\n\n${more(rest)}` : text;
    }
    case 'alert': {
      const matched = m.matchedTerms.length > 0 ? ` — matched: ${m.matchedTerms.map(clean).join(', ')}` : '';
      return [`Watch ${m.watchId} (${clean(m.query)})${matched}`, ...storyBlock(m.story)].join('\n');
    }
    case 'update':
      return [`Story updated (v${m.version})`, ...storyBlock(m.story)].join('\n');
    case 'answer':
      return answerText(m);
    case 'notice':
      return `Notice: ${clean(m.title)}\n${clean(m.text)}`;
  }
}
