import { readFileSync } from 'node:fs';
import { packagePath } from '../package-root.ts';

/**
 * Versioned prompts live in `prompts/<name>.md`:
 *
 *   version: summarise-2026-11-27.1
 *
 *   ---
 *
 *   <system prompt>
 *
 *   === user ===
 *
 *   <user message template with {{placeholders}}>
 *
 * Blank lines around `---` are optional to the parser but keep the file stable under Biome's
 * Markdown formatter (without them, `version: …` + `---` is a setext heading and gets rewritten
 * to `## version: …`). The version is stored with every summary, so a prompt change shows in the data.
 */
export interface Prompt {
  name: string;
  version: string;
  system: string;
  /** Fills `{{name}}` placeholders in one pass (values are never re-scanned); a missing value throws. */
  renderUser(vars: Record<string, string>): string;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const USER_MARKER = '=== user ===';

const cache = new Map<string, Prompt>();

export function loadPrompt(name: string): Prompt {
  const cached = cache.get(name);
  if (cached) return cached;
  if (!NAME.test(name)) throw new Error(`Invalid prompt name "${name}"`);
  const path = packagePath('prompts', `${name}.md`);
  const prompt = parsePrompt(name, readFileSync(path, 'utf8'));
  cache.set(name, prompt);
  return prompt;
}

/** Parses the prompt file format; exported for tests. */
export function parsePrompt(name: string, text: string): Prompt {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const versionMatch = /^version:\s*(\S+)\s*$/.exec(lines[0] ?? '');
  if (!versionMatch?.[1]) throw new Error(`Prompt "${name}": first line must be "version: <id>"`);
  let sep = 1;
  while (sep < lines.length && lines[sep]?.trim() === '') sep++;
  if (lines[sep]?.trim() !== '---') throw new Error(`Prompt "${name}": "---" must follow the version line`);
  const rest = lines.slice(sep + 1);
  const marker = rest.findIndex((line) => line.trim() === USER_MARKER);
  if (marker < 0) throw new Error(`Prompt "${name}": missing "${USER_MARKER}" section`);
  const system = rest.slice(0, marker).join('\n').trim();
  const userTemplate = rest
    .slice(marker + 1)
    .join('\n')
    .trim();
  if (!system) throw new Error(`Prompt "${name}": empty system prompt`);
  if (!userTemplate) throw new Error(`Prompt "${name}": empty user template`);
  return {
    name,
    version: versionMatch[1],
    system,
    renderUser(vars) {
      return userTemplate.replace(PLACEHOLDER, (_match, key: string) => {
        const value = Object.hasOwn(vars, key) ? vars[key] : undefined;
        if (value === undefined) throw new Error(`Prompt "${name}": no value for {{${key}}}`);
        return value;
      });
    },
  };
}
