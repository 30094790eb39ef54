import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/log.ts';
import { FakeSlack } from '../../fakes/slack.ts';
import { APP_TOKEN, platformFor } from './slack-setup.ts';

async function startFailure(start: () => Promise<void>): Promise<unknown> {
  return start().then(
    () => {
      throw new Error('expected start() to fail');
    },
    (err: unknown) => err,
  );
}

describe('Slack start-up with a bad token', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('a refused bot token is one clear config error naming SLACK_BOT_TOKEN', async () => {
    fake.inject({ method: 'auth.test', status: 200, error: 'invalid_auth' });
    const slack = platformFor(fake);
    const conn = slack.connect(async () => ({ kind: 'ignored', reason: 'test' }), silentLogger);
    const err = await startFailure(() => conn.start());
    expect(err).toMatchObject({ code: 'config/invalid', message: 'Slack refused the token (invalid_auth)' });
    expect((err as { hint?: string }).hint).toContain('SLACK_BOT_TOKEN');
    await slack.close();
  });

  it('a refused app-level token names SLACK_APP_TOKEN', async () => {
    fake.inject({ method: 'apps.connections.open', status: 200, error: 'invalid_auth' });
    const slack = platformFor(fake, { appToken: APP_TOKEN });
    const conn = slack.connect(async () => ({ kind: 'ignored', reason: 'test' }), silentLogger);
    const err = await startFailure(() => conn.start());
    expect(err).toMatchObject({ code: 'config/invalid' });
    expect((err as { hint?: string }).hint).toContain('SLACK_APP_TOKEN');
    await slack.close();
  });
});
