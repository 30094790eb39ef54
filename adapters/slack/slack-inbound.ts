import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '../../src/log.ts';
import type { ChatHandler, HttpRoute, InboundConnection } from '../platform.ts';
import { clientOptions, slackLogger } from './slack-client.ts';
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
    log.error('slack app error', { err: err.message, code: (err as { code?: string }).code });
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
      await app.init();
      if (s.appToken) await app.start();
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
