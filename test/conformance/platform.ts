import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type App, openApp } from '../../src/cli/app.ts';
import type { AlertMessage, DigestMessage, OutgoingMessage, StoryItem } from '../../src/messages.ts';
import type { InboundConnection, Platform } from '../../src/platform/port.ts';
import { startHttpServer } from '../../src/server/http.ts';
import { chatHandler } from '../../src/usecases/chat.ts';
import { ingestSamples, SAMPLE, tempDataDir, until } from '../integration/digest/helpers.ts';

/**
 * The platform conformance suite: every chat adapter (console, Slack, Discord) must pass it. It opens
 * the app through the real composition root with the harness's environment (credentials and base URLs
 * aimed at the platform's fake), so the platform under test is the one production would build.
 */
export interface SentMessage {
  /** Every piece of text the platform carried in this message (for length and content checks). */
  text: string;
  /** The message as it reached the platform (request body), for `pings`. */
  raw: unknown;
}

export interface PlatformHarness {
  /** Environment that configures the platform (tokens, `*_API_URL` aimed at the fake). */
  env: Record<string, string>;
  /** A channel the platform can post to, e.g. `slack:C0CONF01`. */
  channel: string;
  /** Messages that reached `channel` so far, oldest first. */
  sent(channel: string): Promise<SentMessage[]>;
  /**
   * Mentions in one sent message that would notify someone (`@everyone`, `<!channel>`, a user…), and
   * links the platform would make from article text (Slack's `<url|label>`): both must be empty.
   */
  pings(raw: unknown): string[];
  /**
   * Runs `/trade <text>` in `channel` through the platform's real inbound path on the running app
   * (`baseUrl` serves the platform's routes; long-lived connections are started); resolves with the
   * text the user was shown in reply.
   */
  command(ctx: { app: App; baseUrl: string }, channel: string, text: string): Promise<string>;
  /** Called once the suite's app is open (e.g. to learn its data directory). */
  attach?(app: App): void;
  close(): Promise<void>;
}

const LONG = 'Ministers said the measure would be reviewed after consultation with industry groups. ';

function story(i: number, over: Partial<StoryItem> = {}): StoryItem {
  return {
    storyId: `s${i}`,
    headline: `Story ${i}: steel duties under review in round ${i}`,
    summary: LONG.repeat(30).trim(),
    keyPoints: [`Point one of story ${i}.`, `Point two of story ${i}.`],
    sources: [
      {
        articleId: `a${i}`,
        source: 'Conformance Wire',
        url: `https://example.com/a/${i}`,
        title: `t${i}`,
        published: '2026-11-20T08:00:00.000Z',
      },
    ],
    published: '2026-11-20T08:00:00.000Z',
    summarisedBy: 'offline',
    ...over,
  };
}

const HOSTILE =
  '@everyone @here <!channel> <!here> <!everyone> <@U0123ABC> <@&123456> <#C0123> [click](http://evil.example) <http://evil.example|safe> **bold** `code`';

export function describePlatformConformance(name: string, makeHarness: () => Promise<PlatformHarness>): void {
  describe(`platform conformance: ${name}`, () => {
    let h: PlatformHarness;
    let app: App;
    let platform: Platform;
    let conn: InboundConnection | null = null;
    let server: import('node:http').Server | null = null;
    let baseUrl = '';

    beforeAll(async () => {
      h = await makeHarness();
      app = openApp({
        dataDir: tempDataDir(),
        echo: null,
        env: {
          TRADEWIRE_LOG_LEVEL: 'silent',
          REDIS_URL: inject('redisUrl'),
          TRADEWIRE_QUEUE_PREFIX: `twc-${randomUUID().slice(0, 8)}`,
          ...h.env,
        },
      });
      const p = app.platforms.get(name);
      if (!p) throw new Error(`the composition root did not configure ${name} from the harness env`);
      platform = p;
      h.attach?.(app);
      await app.startWorkers();
      conn = platform.connect?.(chatHandler(app.deps), app.log) ?? null;
      const started = await startHttpServer(0, {
        log: app.log,
        routes: conn?.routes ?? new Map(),
        health: async () => ({}),
        metrics: async () => '',
      });
      server = started.server;
      baseUrl = `http://127.0.0.1:${started.port}`;
      await conn?.start();
    });

    afterAll(async () => {
      await conn?.stop();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      await app?.close();
      await h?.close();
    });

    const post = (message: OutgoingMessage, key = `conf:${randomUUID()}`) =>
      platform.post(h.channel, message, { idempotencyKey: key }).then((posted) => ({ posted, key }));

    it('posts an alert as one message and finds it again by its delivery id', async () => {
      const before = (await h.sent(h.channel)).length;
      const alert: AlertMessage = {
        kind: 'alert',
        watchId: 'wconf1',
        query: 'steel',
        matchedTerms: ['steel'],
        story: story(1),
      };
      const { posted, key } = await post(alert);
      expect(posted.refs.length).toBeGreaterThanOrEqual(1);
      expect(posted.refs[0]).toBe(posted.ref);
      expect((await h.sent(h.channel)).length - before).toBe(posted.refs.length);
      const found = await platform.findPosted(h.channel, key);
      expect(found?.ref).toBe(posted.ref);
      expect(found?.threadRef).toBe(posted.threadRef);
      expect(await platform.findPosted(h.channel, `conf:never-${randomUUID()}`)).toBeNull();
    });

    it('keeps a long digest within its limits, records every message, and accounts for every story', async () => {
      const stories = Array.from({ length: 60 }, (_, i) => story(i + 1));
      const digest: DigestMessage = {
        kind: 'digest',
        channel: h.channel,
        periodLabel: 'Fri 20 Nov 2026',
        timezone: 'UTC',
        intro: null,
        stories,
        more: 0,
      };
      const before = (await h.sent(h.channel)).length;
      const { posted } = await post(digest);
      const sent = (await h.sent(h.channel)).slice(before);
      expect(sent).toHaveLength(posted.refs.length);
      expect(new Set(posted.refs).size).toBe(posted.refs.length);
      expect(posted.refs.length).toBeLessThanOrEqual(platform.limits.messagesPerPost);
      expect(platform.render(digest)).toHaveLength(posted.refs.length);
      for (const m of sent) expect(m.text.length).toBeLessThanOrEqual(platform.limits.messageChars);
      const all = sent.map((m) => m.text).join('\n');
      const shown = stories.filter((s) => all.includes(s.headline)).length;
      const more = Number(/(\d+) more/.exec(all)?.[1] ?? 0);
      expect(shown).toBeGreaterThan(0);
      expect(shown + more).toBe(stories.length);
    });

    it('never lets article text ping anyone or smuggle a link', async () => {
      const evil = story(99, {
        headline: `Tariff news ${HOSTILE}`,
        summary: `Summary ${HOSTILE}`,
        keyPoints: [HOSTILE],
        sources: [
          {
            articleId: 'a99',
            source: `Wire ${HOSTILE}`,
            url: 'javascript:alert(1)',
            title: HOSTILE,
            published: '2026-11-20T08:00:00.000Z',
          },
        ],
      });
      const before = (await h.sent(h.channel)).length;
      await post({ kind: 'alert', watchId: 'wconf2', query: HOSTILE, matchedTerms: ['tariff'], story: evil });
      await post({
        kind: 'digest',
        channel: h.channel,
        periodLabel: 'Fri 20 Nov 2026',
        timezone: 'UTC',
        intro: HOSTILE,
        stories: [evil],
        more: 0,
      });
      await post({ kind: 'notice', title: `Feed disabled ${HOSTILE}`, text: `It failed: ${HOSTILE}` });
      const sent = (await h.sent(h.channel)).slice(before);
      expect(sent.length).toBeGreaterThanOrEqual(3);
      for (const m of sent) {
        expect(h.pings(m.raw)).toEqual([]);
        expect(m.text).not.toContain('javascript:');
      }
    });

    it('runs chat commands through the use cases: help, watch, watches, unwatch, and an error is never silent', async () => {
      const ctx = { app, baseUrl };
      expect(await h.command(ctx, h.channel, 'help')).toMatch(/watch/);
      const added = await h.command(ctx, h.channel, 'watch steel tariffs -canada');
      const watches = await app.store.listWatches(h.channel);
      expect(watches.map((w) => w.query)).toContain('steel tariffs -canada');
      const id = watches.find((w) => w.query === 'steel tariffs -canada')!.id;
      expect(added).toContain(id);
      expect(await h.command(ctx, h.channel, 'watches')).toContain(id);
      await h.command(ctx, h.channel, `unwatch ${id}`);
      expect((await app.store.listWatches(h.channel)).map((w) => w.id)).not.toContain(id);
      expect((await h.command(ctx, h.channel, 'frobnicate')).trim()).not.toBe('');
      expect((await h.command(ctx, h.channel, 'watch (unclosed')).trim()).not.toBe('');
    });

    it('answers `ask` later, as a delivery in the channel, with numbered citations', async () => {
      await ingestSamples(app.store, [SAMPLE.mexicoSteel, SAMPLE.chips]);
      const before = (await h.sent(h.channel)).length;
      const ack = await h.command(
        { app, baseUrl },
        h.channel,
        'ask What tariff did Mexico put on steel imports?',
      );
      expect(ack.trim()).not.toBe('');
      const answer = await until('the answer to be posted', async () => {
        const sent = (await h.sent(h.channel)).slice(before);
        return sent.find((m) => /\[1\]/.test(m.text));
      });
      expect(answer.text).toMatch(/Mexico|steel/i);
    });
  });
}
