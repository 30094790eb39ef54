import type { OutgoingMessage } from '../../src/messages.ts';
import type { PlatformLimits } from '../platform.ts';
import { header, SLACK_LIMITS, type SlackPayload, section } from './blocks.ts';
import { escapeText, truncate } from './escape.ts';
import { renderAlert, renderUpdate } from './render-alert.ts';
import { renderAnswer } from './render-answer.ts';
import { renderDigest } from './render-digest.ts';

/** What the Slack renderer keeps to (the platform conformance suite checks them). */
export const SLACK_PLATFORM_LIMITS: PlatformLimits = {
  messageChars: SLACK_LIMITS.messageChars,
  // A story takes three blocks (section, sources, divider): 15 fit beside the header and closing lines.
  storiesPerMessage: 15,
  messagesPerPost: 4,
};

/** Block Kit payloads for one outgoing message: one per Slack message, in posting order. */
export function renderSlack(
  m: OutgoingMessage,
  limits: PlatformLimits = SLACK_PLATFORM_LIMITS,
): SlackPayload[] {
  switch (m.kind) {
    case 'digest':
      return renderDigest(m, limits);
    case 'alert':
      return [renderAlert(m)];
    case 'update':
      return [renderUpdate(m)];
    case 'answer':
      return [renderAnswer(m)];
    case 'notice': {
      // An operator notice (a feed disabled): plain words, escaped like any text from outside.
      const title = truncate(escapeText(m.title), 150);
      const text = truncate(escapeText(m.text), SLACK_LIMITS.sectionChars - 10);
      return [{ text: truncate(`${title}: ${text}`, 1_500), blocks: [header(title), section(text)] }];
    }
  }
}
