import type { AlertMessage, UpdateMessage } from '../../src/messages.ts';
import { button, context, type SlackPayload } from './blocks.ts';
import { escapeText, truncate } from './escape.ts';
import { storyBlocks, storyFallback } from './render-story.ts';

/** The button on an alert that stops its watch; its press arrives as an `action` ChatRequest. */
export const UNWATCH_ACTION = 'unwatch';

export function renderAlert(m: AlertMessage): SlackPayload {
  const query = escapeText(m.query.replace(/\s+/g, ' '));
  const matched = m.matchedTerms.length > 0 ? ` · matched: ${m.matchedTerms.map(escapeText).join(', ')}` : '';
  return {
    text: truncate(`Watch alert (${query}): ${storyFallback(m.story)}`, 3_000),
    blocks: [
      context(`:bell: Watch \`${escapeText(m.watchId)}\` — ${query}${matched}`),
      ...storyBlocks(m.story),
      button('Stop this watch', UNWATCH_ACTION, m.watchId),
    ],
  };
}

export function renderUpdate(m: UpdateMessage): SlackPayload {
  return {
    text: truncate(`Story updated: ${storyFallback(m.story)}`, 3_000),
    blocks: [context(`:arrows_counterclockwise: Story updated (v${m.version})`), ...storyBlocks(m.story)],
  };
}
