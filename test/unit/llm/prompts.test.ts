import { describe, expect, it } from 'vitest';
import { loadPrompt, parsePrompt } from '../../../src/llm/prompts.ts';

describe('loadPrompt', () => {
  it('loads the versioned summarise prompt and caches it', () => {
    const prompt = loadPrompt('summarise');
    expect(prompt.name).toBe('summarise');
    expect(prompt.version).toMatch(/^summarise-\d{4}-\d{2}-\d{2}\.\d+$/);
    expect(prompt.system).toMatch(/untrusted DATA/);
    expect(prompt.system).not.toContain('=== user ===');
    expect(prompt.system).not.toMatch(/^version:/);
    const user = prompt.renderUser({ count: '1', articles: '<article id="1">x</article>' });
    expect(user).toContain('<article id="1">x</article>');
    expect(user).not.toContain('{{');
    expect(loadPrompt('summarise')).toBe(prompt);
  });

  it('rejects names that could escape the prompts directory', () => {
    expect(() => loadPrompt('../package')).toThrow(/Invalid prompt name/);
  });
});

describe('parsePrompt', () => {
  const file = 'version: t-1\n---\nSystem text.\n\n=== user ===\nHello {{name}}, see {{ other }}.\n';

  it('splits version, system prompt and user template', () => {
    const p = parsePrompt('t', file);
    expect(p.version).toBe('t-1');
    expect(p.system).toBe('System text.');
    expect(p.renderUser({ name: 'Ann', other: 'B' })).toBe('Hello Ann, see B.');
  });

  it('fills placeholders in one pass, so values are never expanded', () => {
    const p = parsePrompt('t', file);
    expect(p.renderUser({ name: '{{other}}', other: '$& $1' })).toBe('Hello {{other}}, see $& $1.');
  });

  it('throws on a missing value', () => {
    expect(() => parsePrompt('t', file).renderUser({ name: 'x' })).toThrow(/no value for \{\{other\}\}/);
  });

  it('accepts blank lines around the separator (Biome-stable layout)', () => {
    const p = parsePrompt('t', 'version: t-2\n\n---\n\nSystem.\n\n=== user ===\n\n{{x}}\n');
    expect(p.version).toBe('t-2');
    expect(p.system).toBe('System.');
    expect(p.renderUser({ x: 'y' })).toBe('y');
  });

  it('accepts CRLF line endings', () => {
    expect(parsePrompt('t', file.replace(/\n/g, '\r\n')).system).toBe('System text.');
  });

  it('rejects malformed files', () => {
    expect(() => parsePrompt('t', 'System\n=== user ===\nx')).toThrow(/version/);
    expect(() => parsePrompt('t', 'version: a\nSystem\n=== user ===\nx')).toThrow(/---/);
    expect(() => parsePrompt('t', '## version: a\n\nSystem\n=== user ===\nx')).toThrow(/version/);
    expect(() => parsePrompt('t', 'version: a\n---\nSystem only')).toThrow(/=== user ===/);
  });
});
