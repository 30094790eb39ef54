/** Text clean-up shared by the ingest parsers and validation. Pure functions, no I/O. */

/** C0/C1 control characters other than tab, newline, vertical tab, form feed and carriage return. */
const CONTROL_CHARS = /[^\P{Cc}\t\n\v\f\r]/gu;

/**
 * Paragraph boundaries: a blank line, or a line that starts indented (tab or 2+ spaces) —
 * the wire convention (Reuters and others hard-wrap lines and indent each new paragraph).
 */
const PARAGRAPH_BREAK = /\n[ \t\u00A0]*\n|\n(?=(?:\t| {2,})[ \t]*\S)/;

/** One line: control characters dropped, whitespace runs collapsed, trimmed. */
export function normaliseLine(text: string): string {
  return text.normalize('NFC').replace(CONTROL_CHARS, '').replace(/\s+/g, ' ').trim();
}

/**
 * Article text as paragraphs joined by a blank line ("\n\n"). Hard-wrapped lines inside
 * a paragraph are joined with a space; whitespace runs collapse; control characters go.
 */
export function normaliseBody(text: string): string {
  const unified = text
    .normalize('NFC')
    .replace(/\r\n?|\u2028|\v|\f/g, '\n')
    .replace(/\u2029/g, '\n\n')
    .replace(CONTROL_CHARS, '');
  return joinParagraphs(unified.split(PARAGRAPH_BREAK));
}

/** Paragraphs (each may hold stray whitespace) as normalised text joined by "\n\n"; empty ones dropped. */
export function joinParagraphs(paragraphs: Iterable<string>): string {
  const out: string[] = [];
  for (const p of paragraphs) {
    const line = p.replace(/\s+/g, ' ').trim();
    if (line !== '') out.push(line);
  }
  return out.join('\n\n');
}

/** A value for an error message: one line, at most `max` characters. */
export function clip(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Human-readable byte size: "812 bytes", "3.4 KB", "2.5 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
