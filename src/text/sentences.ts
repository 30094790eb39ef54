import { STOPWORDS } from './tokens.ts';

/**
 * Sentence and paragraph splitting for news text.
 *
 * One left-to-right scan per paragraph with a single regex for candidate stops; each candidate is
 * accepted or rejected by looking only at the word before it and the first character after it. No
 * per-character allocation, so it runs on every article (well above 20 MB/s on one core).
 */

/**
 * A blank line always ends a paragraph. Newswire plain text (Reuters) marks paragraphs with an
 * indented line instead, and feeds use bullet lines; a single newline otherwise is just a line wrap.
 */
const PARAGRAPH_BREAK = /\n[ \t]*(?:\r?\n[\s]*|(?=[ \t]{2,}\S|[ \t]*[•*·▪‣-][ \t]))/;

/** Candidate stop: terminal punctuation, optional closing quotes/brackets, then a space. */
const STOP = /[.!?…]+["'”’)\]]*(?= )/g;

/** Titles and particles that are never the last word of a sentence ("Mr. Liu", "e.g. steel"). */
const NEVER_FINAL = new Set(
  `mr mrs ms dr prof gen sen rep gov lt col capt sgt cmdr adm maj hon rev fr st mt ft messrs mme mlle e.g i.e cf
vs v approx esp dept est fig nos viz al`.split(/\s+/),
);

/**
 * Abbreviations that can end a sentence ("... a unit of Acme Corp. The deal ..."): split only when
 * the next word is a typical sentence opener, so "Acme Corp. Chairman" and "Jan. 5" stay together.
 */
const MAYBE_FINAL = new Set(
  `inc corp co ltd plc llc bros jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs
fri sat sun no etc jr sr pct mln bln dlrs yr yrs a.m p.m`.split(/\s+/),
);

const OPENERS = new Set([
  ...STOPWORDS,
  'however',
  'meanwhile',
  'still',
  'yet',
  'last',
  'earlier',
  'analysts',
  'officials',
  'shares',
]);

const MESSY_SPACE = /[^\S ]| {2}/;

/** Split text into paragraphs (trimmed, whitespace inside kept as is, empty ones dropped). */
export function splitParagraphs(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(PARAGRAPH_BREAK)) {
    const p = part.trim();
    if (p) out.push(p);
  }
  return out;
}

/** Split text into sentences; whitespace inside each sentence is collapsed to single spaces. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const para of splitParagraphs(text)) {
    // Most paragraphs are already single-spaced; skip the rewrite (and its copy) for them.
    splitParagraph(MESSY_SPACE.test(para) ? para.replace(/\s+/g, ' ') : para, out);
  }
  return out;
}

function splitParagraph(p: string, out: string[]): void {
  let from = 0;
  STOP.lastIndex = 0;
  for (let m = STOP.exec(p); m !== null; m = STOP.exec(p)) {
    const end = m.index + m[0].length;
    if (isBoundary(p, m.index, m[0], end + 1)) {
      const s = p.slice(from, end).trim();
      if (s) out.push(s);
      from = end + 1;
    }
  }
  const rest = p.slice(from).trim();
  if (rest) out.push(rest);
}

/** Decide whether the stop `stop` found at `at` ends a sentence; `next` indexes the text after the space. */
function isBoundary(p: string, at: number, stop: string, next: number): boolean {
  // Skip opening quotes/brackets so `said. "We ...` is judged on the W.
  let i = next;
  while (i < p.length && '"\'“‘(['.includes(p[i] as string)) i++;
  const c = p.charCodeAt(i);
  if (Number.isNaN(c)) return false;
  if (isLower(c)) return false; // "approx. five", "Inc. said", "... and then"
  const last = stop[stop.length - 1] as string;
  if (stop.includes('!') || stop.includes('?') || stop.includes('…') || stop.startsWith('..')) return true;
  if (last !== '.') return true; // period then closing quote/bracket: `he said." Next`

  const word = wordBefore(p, at);
  const lower = word.toLowerCase();
  if (NEVER_FINAL.has(lower)) return false;
  if (lower === 'no' && isDigit(c)) return false; // "No. 2 economy"
  // Initials ("J. Smith"), dotted acronyms ("U.S.", "U.N.") and sentence-final-capable abbreviations.
  const initialOrAcronym = /^(?:\p{Lu}|(?:\p{L}\.)+\p{L})$/u.test(word);
  if (initialOrAcronym || MAYBE_FINAL.has(lower)) return OPENERS.has(nextWord(p, i).toLowerCase());
  return true;
}

function wordBefore(p: string, at: number): string {
  let j = at;
  while (j > 0) {
    const ch = p[j - 1] as string;
    if (ch === ' ' || ch === '(' || ch === '"' || ch === '“' || ch === '[') break;
    j--;
  }
  return p.slice(j, at);
}

function nextWord(p: string, i: number): string {
  let j = i;
  while (j < p.length && isWordChar(p.charCodeAt(j))) j++;
  return p.slice(i, j);
}

function isLower(c: number): boolean {
  if (c >= 97 && c <= 122) return true;
  if (c < 128) return false;
  const ch = String.fromCharCode(c);
  return ch !== ch.toUpperCase() && ch === ch.toLowerCase();
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c > 127;
}
