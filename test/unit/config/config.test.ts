import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { TradewireError } from '../../../src/errors.ts';

describe('loadConfig', () => {
  it('runs offline with no key and no base URL', () => {
    const c = loadConfig({});
    expect(c.llm.enabled).toBe(false);
    expect(c.redisUrl).toBeUndefined();
    expect(c.port).toBe(3000);
  });

  it('enables the LLM with only a base URL (local OpenAI-compatible servers need no key)', () => {
    const c = loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', TRADEWIRE_LLM_MODEL: 'llama3.1' });
    expect(c.llm).toMatchObject({ enabled: true, baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.1' });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ REDIS_URL: '', OPENAI_API_KEY: '  ' }).llm.enabled).toBe(false);
  });

  it('reports every invalid value, one line each, with a hint', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'localhost:6379', TRADEWIRE_LLM_RPM: '-1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TradewireError);
    const e = err as TradewireError;
    expect(e.code).toBe('config/invalid');
    const lines = e.message.split('\n').slice(1);
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes('PORT'))).toBe(true);
    expect(lines.some((l) => l.includes('REDIS_URL') && l.includes('redis://'))).toBe(true);
    expect(lines.some((l) => l.includes('TRADEWIRE_LLM_RPM'))).toBe(true);
    expect(e.hint).toContain('.env.example');
  });

  it('selects PostgreSQL by DATABASE_URL (SQLite when unset) and rejects other schemes', () => {
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://tw@127.0.0.1:5432/tw' })).toMatchObject({
      databaseUrl: 'postgres://tw@127.0.0.1:5432/tw',
      pgPoolSize: 10,
    });
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x@y/z' })).toThrow(/DATABASE_URL.*postgres:\/\//);
  });
});
