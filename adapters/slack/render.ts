import type { OutgoingMessage } from '../../src/messages.ts';
import type { PlatformLimits } from '../platform.ts';
import { SLACK_LIMITS, type SlackPayload } from './blocks.ts';
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
  }
}
