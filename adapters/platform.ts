/** Adapters implement the core's platform port; re-exported here so adapters import one place. */
export type {
  ChatHandler,
  ChatReply,
  ChatRequest,
  HttpRoute,
  InboundConnection,
  Platform,
  PlatformLimits,
  PlatformName,
  PostedMessage,
  PostOptions,
} from '../src/platform/port.ts';
