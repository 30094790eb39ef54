import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import { TradewireError } from '../../src/errors.ts';
import type { Logger } from '../../src/log.ts';
import type { ChatHandler, HttpRoute, InboundConnection } from '../platform.ts';
import { clientOptions, platformErrorCode, slackError, slackLogger } from './slack-client.ts';
import { listenForChat } from './slack-listeners.ts';
import type { SlackSettings } from './slack-settings.ts';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The Bolt app: HTTP mode (signed requests at POST /slack/events on the shared server) or Socket Mode
 * when an app-level token is set. Nothing is sent to Slack until `start()` (auth.test, and for Socket
 * Mode apps.connections.open and the WebSocket).
 */
export function connectSlack(s: SlackSettings, handler: ChatHandler, log: Logger): InboundConnection {
  const logger = slackLogger(log);
  const options = clientOptions(s, log);
  let http: HTTPReceiver | null = null;
  let receiver: Receiver;
  if (s.appToken) {
    receiver = new SocketModeReceiver({
      appToken: s.appToken,
      logger,
      installerOptions: { clientOptions: options },
    });
  } else {
    // Bolt verifies the signature and the 5-minute window, answers 401 otherwise, and acks in time.
    http = new HTTPReceiver({ signingSecret: s.signingSecret, endpoints: SLACK_EVENTS_PATH, logger });
    receiver = http;
  }
  const app = new App({
    token: s.botToken,
    receiver,
    logger,
    clientOptions: options,
    deferInitialization: true,
    ignoreSelf: true,
  });
  app.error(async (err) => {
    log.error('slack app error', { err });
  });
  listenForChat(app, handler, log);

  const routes = new Map<string, HttpRoute>();
  if (http) {
    const listener = http.requestListener;
    routes.set(SLACK_EVENTS_PATH, (req: IncomingMessage, res: ServerResponse) => {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      listener(req, res);
    });
  }
  let started = false;
  return {
    routes,
    async start() {
      await app.init().catch((err: unknown) => {
        throw startError(err, 'SLACK_BOT_TOKEN');
      });
      if (s.appToken) {
        await app.start().catch((err: unknown) => {
          throw startError(err, 'SLACK_APP_TOKEN');
        });
      }
      started = true;
      log.info('slack connected', { transport: s.appToken ? 'socket-mode' : 'http' });
    },
    async stop() {
      if (!started) return;
      started = false;
      if (s.appToken) await app.stop();
    },
  };
}

/** A failed start as one clear line: which token Slack refused, or that Slack could not be reached. */
function startError(err: unknown, token: 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN'): TradewireError {
  const code = platformErrorCode(err) ?? (err as { data?: { error?: string } })?.data?.error;
  if (code && AUTH_ERRORS.has(code)) {
    const socket = token === 'SLACK_APP_TOKEN' ? ' (an xapp- token with connections:write)' : '';
    return new TradewireError('config/invalid', `Slack refused the token (${code})`, {
      hint: `check ${token}${socket}`,
      cause: err,
    });
  }
  return slackError(err, token === 'SLACK_APP_TOKEN' ? 'Socket Mode connection' : 'auth.test at start');
}

const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'not_allowed_token_type',
  'missing_scope',
]);
