import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli, tempDir } from '../../helpers/cli.ts';

describe('tradewire digest --render slack', () => {
  it('prints the Block Kit payload a channel would receive, without calling Slack', async () => {
    const dir = tempDir();
    const ingest = await runCli(['ingest', join(REPO, 'samples/trade-week.jsonl')], {
      TRADEWIRE_DATA_DIR: dir,
    });
    expect(ingest.code).toBe(0);
    const r = await runCli(
      ['digest', '--render', 'slack', '--since', '2026-11-01', '--until', '2026-12-01'],
      {
        TRADEWIRE_DATA_DIR: dir,
        SLACK_BOT_TOKEN: 'xoxb-preview',
        SLACK_SIGNING_SECRET: 'preview-secret',
        // Nothing listens here: any Web API call would fail the command.
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rendered = JSON.parse(r.stdout) as { text: string; blocks: Array<{ type: string }> };
    const payload = Array.isArray(rendered) ? rendered[0] : rendered;
    expect(payload.blocks[0]).toMatchObject({ type: 'header' });
    expect(payload.blocks.some((b: { type: string }) => b.type === 'section')).toBe(true);
    expect(payload.text).toMatch(/^Trade digest — /);
    // A preview needs no Slack app at all.
    const bare = await runCli(
      ['digest', '--render', 'slack', '--since', '2026-11-01', '--until', '2026-12-01'],
      {
        TRADEWIRE_DATA_DIR: dir,
      },
    );
    expect(bare.code).toBe(0);
    expect(JSON.parse(bare.stdout)).toEqual(rendered);
  });
});
