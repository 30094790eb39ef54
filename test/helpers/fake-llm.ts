import { createLlm, type Llm, type LlmDeps, type LlmSettings } from '../../src/llm/client.ts';
import { RateLimiter } from '../../src/llm/rate-limiter.ts';

/**
 * The real LLM client (openai SDK) aimed at a fake server's base URL, with a rate limit of its own high
 * enough never to slow a test down. Settings and deps override the defaults.
 */
export function llmAt(baseURL: string, overrides: Partial<LlmSettings> = {}, deps: LlmDeps = {}): Llm {
  const settings: LlmSettings = {
    baseURL,
    model: 'fake-model',
    timeoutMs: 5_000,
    maxRetries: 2,
    requestsPerMinute: 60_000,
    ...overrides,
  };
  const client = createLlm(settings, { limiter: new RateLimiter({ requestsPerMinute: 60_000 }), ...deps });
  if (!client) throw new Error('expected an Llm');
  return client;
}
