import { z } from 'zod';
import type { Llm } from '../llm/client.ts';
import { escapeData } from '../llm/prompt-data.ts';
import { loadPrompt } from '../llm/prompts.ts';
import type { Logger } from '../log.ts';
import type { StoryItem } from '../messages.ts';

const IntroSchema = z.object({ intro: z.string().trim().min(1).max(600) });

/** Stories the overview looks at: the top of the digest is what readers see first. */
const INTRO_STORIES = 8;

/**
 * The optional "Today in trade…" paragraph that opens a digest when an LLM is configured. It is a
 * nicety: any failure (rate limit, timeout, bad output) leaves the digest without it, never blocks it.
 */
export async function digestIntro(llm: Llm, stories: StoryItem[], log: Logger): Promise<string | null> {
  if (stories.length === 0) return null;
  const prompt = loadPrompt('digest-intro');
  const top = stories.slice(0, INTRO_STORIES);
  const blocks = top.map(
    (s, i) =>
      `<story n="${i + 1}" sources="${s.sources.length}">\n${escapeData(s.headline)}\n${escapeData(s.summary)}\n</story>`,
  );
  try {
    const { value } = await llm.completeJson({
      system: prompt.system,
      user: prompt.renderUser({ count: String(top.length), stories: blocks.join('\n\n') }),
      schema: IntroSchema,
      schemaName: 'digest_intro',
      maxTokens: 300,
    });
    return value.intro.replace(/\s+/g, ' ');
  } catch (err) {
    log.warn('digest intro skipped', { err: err instanceof Error ? err.message : String(err) });
    return null;
  }
}
