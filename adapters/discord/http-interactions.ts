import { type REST, Routes } from 'discord.js';
import type { Logger } from '../../src/log.ts';
import { readCappedBody, sendJson } from '../../src/platform/http.ts';
import type { ChatHandler, HttpRoute } from '../platform.ts';
import { COMMAND_NAME } from './commands.ts';
import {
  chatRequest,
  type InteractionContext,
  isPrivate,
  type OptionNode,
  readInvocation,
  THREAD_TYPES,
  watchesRequest,
} from './interaction-request.ts';
import { renderReply, watchChoices } from './render-reply.ts';
import { interactionKey, verifyInteraction } from './verify-signature.ts';

const MAX_BODY = 1 << 20;
const EPHEMERAL = 1 << 6;

interface RawInteraction {
  type: number;
  application_id: string;
  token: string;
  channel_id?: string;
  channel?: { id: string; type: number; parent_id?: string | null };
  member?: { user: { id: string } };
  user?: { id: string };
  data?: { name: string; options?: OptionNode[] };
}

function contextOf(i: RawInteraction): InteractionContext {
  const ch = i.channel;
  const inThread = ch !== undefined && THREAD_TYPES.has(ch.type) && Boolean(ch.parent_id);
  return {
    applicationId: i.application_id,
    token: i.token,
    receivedAt: Date.now(),
    userId: i.member?.user.id ?? i.user?.id ?? 'unknown',
    channelId: ch?.id ?? i.channel_id ?? '',
    parentId: inThread ? (ch?.parent_id ?? null) : null,
  };
}

export function interactionsRoute(
  publicKeyHex: string,
  rest: REST,
  handler: ChatHandler,
  log: Logger,
  inFlight: Set<Promise<void>>,
): HttpRoute {
  const key = interactionKey(publicKeyHex);
  return async (req, res) => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    const body = await readCappedBody(req, res, MAX_BODY);
    if (!body) return;
    const sig = req.headers['x-signature-ed25519'];
    const ts = req.headers['x-signature-timestamp'];
    if (
      !verifyInteraction(
        key,
        body,
        typeof sig === 'string' ? sig : undefined,
        typeof ts === 'string' ? ts : undefined,
      )
    ) {
      return sendJson(res, 401, { error: 'invalid request signature' });
    }
    let i: RawInteraction;
    try {
      i = JSON.parse(body.toString('utf8')) as RawInteraction;
    } catch {
      return sendJson(res, 400, { error: 'body is not JSON' });
    }
    if (i.type === 1) return sendJson(res, 200, { type: 1 });
    if (i.data?.name !== COMMAND_NAME) return sendJson(res, 400, { error: 'unknown interaction' });
    const ctx = contextOf(i);
    if (i.type === 4) {
      const focused = readInvocation(i.data.options);
      const reply = await handler(watchesRequest(ctx));
      const typed = focused.focused ? (focused.options[focused.focused] ?? '') : '';
      return sendJson(res, 200, { type: 8, data: { choices: watchChoices(reply, typed) } });
    }
    if (i.type !== 2) return sendJson(res, 400, { error: 'unsupported interaction type' });
    const inv = readInvocation(i.data.options);
    // The HTTP response is the deferral (type 5); the outcome then edits it through the webhook.
    sendJson(res, 200, { type: 5, data: isPrivate(inv) ? { flags: EPHEMERAL } : {} });
    const work = (async () => {
      try {
        const reply = await handler(chatRequest(inv, ctx));
        await rest.patch(Routes.webhookMessage(ctx.applicationId, ctx.token, '@original'), {
          body: renderReply(reply),
          auth: false,
        });
      } catch (err) {
        log.warn('discord interaction failed', { err: err instanceof Error ? err.message : String(err) });
      }
    })();
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
}
