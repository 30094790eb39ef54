import type { AnswerCitation, AnswerMessage } from '../../src/messages.ts';
import { type Block, context, joinWithin, SLACK_LIMITS, type SlackPayload, section } from './blocks.ts';
import { escapeText, link, truncate } from './escape.ts';

/**
 * Answer sections kept (each ≤ 3,000 characters); a longer answer is cut with "…". With the question
 * (≤ 300), the sources section (≤ 3,000) and the fallback (≤ 1,500) the message stays under 12,000.
 */
const MAX_ANSWER_SECTIONS = 2;
const QUESTION_CHARS = 300;
const FALLBACK_CHARS = 1_500;
const QUOTE_CHARS = 200;

const day = (iso: string): string => iso.slice(0, 10);

/** Splits escaped text into section-sized chunks at paragraph, then sentence, then word boundaries. */
export function chunkText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('. ') + 1, window.lastIndexOf(' '));
    if (cut < max / 2) cut = max;
    let piece = rest.slice(0, cut);
    // Never split an escape such as `&amp;`.
    const amp = piece.lastIndexOf('&');
    if (amp >= 0 && !piece.slice(amp).includes(';')) piece = piece.slice(0, amp);
    out.push(piece.trimEnd());
    rest = rest.slice(piece.length).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

function citationLine(c: AnswerCitation): string {
  const quote = c.quote ? ` — “${escapeText(truncate(c.quote.replace(/\s+/g, ' '), QUOTE_CHARS))}”` : '';
  return `[${c.n}] ${link(c.url, c.source || 'source')}, ${day(c.published)}${quote}`;
}

/** An answer with its numbered citations as links; always one message. */
export function renderAnswer(m: AnswerMessage): SlackPayload {
  const question = escapeText(m.question.replace(/\s+/g, ' '));
  const blocks: Block[] = [context(`:mag: ${truncate(question, QUESTION_CHARS)}`)];
  const chunks = chunkText(escapeText(m.answer), SLACK_LIMITS.sectionChars);
  const kept = chunks.slice(0, MAX_ANSWER_SECTIONS);
  if (chunks.length > kept.length)
    kept[kept.length - 1] = truncate(kept[kept.length - 1]!, SLACK_LIMITS.sectionChars - 1);
  for (const c of kept) blocks.push(section(c));
  if (m.citations.length > 0) {
    const lines = m.citations.map(citationLine);
    blocks.push(section(`*Sources*\n${joinWithin(lines, '\n', SLACK_LIMITS.sectionChars - 12)}`));
  }
  if (!m.grounded) {
    blocks.push(context('Not grounded: the stored articles do not clearly support an answer.'));
  }
  const cites = m.citations.length > 0 ? ` (${m.citations.length} sources)` : '';
  return { text: truncate(`${escapeText(m.answer)}${cites}`, FALLBACK_CHARS), blocks };
}
