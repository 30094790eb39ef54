import type { Logger } from '../../src/log.ts';
import type { ChatHandler, HttpRoute, InboundConnection } from '../platform.ts';
import { GatewayClient } from './gateway-client.ts';
import { interactionsRoute } from './http-interactions.ts';
import { INTERACTIONS_PATH } from './interaction-request.ts';
import { createRest, type DiscordSettings } from './rest-client.ts';

/**
 * The inbound side `tradewire run` starts: the gateway client when a token is set (and the gateway
 * is not turned off), and the HTTP interactions route when a public key is set. Both hand every
 * `/trade` command to the same ChatHandler.
 */
export function connectDiscord(s: DiscordSettings, handler: ChatHandler, log: Logger): InboundConnection {
  const routes = new Map<string, HttpRoute>();
  const inFlight = new Set<Promise<void>>();
  if (s.publicKey) {
    routes.set(
      INTERACTIONS_PATH,
      interactionsRoute(s.publicKey, createRest(s, { reject: false }), handler, log, inFlight),
    );
  }
  const gateway = s.token && s.gateway ? new GatewayClient(s, handler, log) : null;
  return {
    routes,
    start: async () => {
      await gateway?.start();
    },
    stop: async () => {
      await Promise.allSettled([...inFlight]);
      await gateway?.stop();
    },
  };
}
