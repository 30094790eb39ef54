import type { Entities, TradeInstrument } from '../domain.ts';
import { STOPWORDS } from '../text/tokens.ts';
import {
  CONNECTORS,
  COUNTRY_TABLE,
  CUES,
  INSTRUMENT_RULES,
  KNOWN_ORGS,
  NON_NAME,
  ORG_SUFFIX,
  SAID,
  TITLES,
} from './entity-data.ts';

/**
 * Rule-based entity and trade-instrument extraction. One tokenising pass per text; countries come
 * from a built-in table, people and organisations from runs of capitalised words plus cue words.
 */

/** A capitalised token; `link` is how it joins the next one (" ", " of ", " von der "…) or null. */
interface Tok {
  text: string;
  start: number;
  end: number;
  /** Starts a sentence, so its capital says nothing ("Shares of …"). */
  first: boolean;
  acro: boolean;
  link: string | null;
}
type Phrase = { country?: string; weak?: boolean; org?: string };

/** Countries and known organisations by surface form; FIRST gives the longest phrase per first word. */
const PHRASES = new Map<string, Phrase>();
const FIRST = new Map<string, number>();
const lowerCountries = new Map<string, string>();

const norm = (s: string): string => s.replace(/’/g, "'").replace(/'s$/, '');

function addPhrase(name: string, p: Phrase): void {
  PHRASES.set(name, { ...PHRASES.get(name), ...p });
  // Connector words are not tokens, so they do not count towards the phrase length.
  const parts = name.split(' ').filter((w) => !CONNECTORS.has(w));
  const first = parts[0]!;
  FIRST.set(first, Math.max(FIRST.get(first) ?? 1, parts.length));
}
for (const entry of COUNTRY_TABLE.replace(/\n/g, '').split(';')) {
  const [code, names] = entry.split('=') as [string, string];
  if (code !== '-') lowerCountries.set(code.toLowerCase(), code);
  for (const raw of names.split('/')) {
    const weak = raw.startsWith('~');
    const name = weak ? raw.slice(1) : raw;
    addPhrase(name, { country: code, weak });
    if (code !== '-') lowerCountries.set(name.toLowerCase(), code);
  }
}
for (const entry of KNOWN_ORGS.replace(/\n/g, '').split(';')) {
  const names = entry.split('|');
  for (const n of names) addPhrase(n, { org: names[0]! });
}

/** ISO alpha-2 code (or "EU") for a country name, adjective, alias or code, any case. */
export function countryCode(nameOrCode: string): string | undefined {
  const key = norm(nameOrCode.trim().replace(/\s+/g, ' ')).toLowerCase();
  return lowerCountries.get(key) ?? lowerCountries.get(key.replace(/\./g, ''));
}

/**
 * Only capitalised words are tokens (dotted acronyms first: "U.S."); the lower-case words between
 * them matter only as connectors or cues, read from the gap. Keeps the hot loop to ~1 in 5 words.
 */
const TOKEN = /(?<![\p{L}\p{N}])(?:(?:\p{Lu}\.){2,}|\p{Lu}[\p{L}\p{N}]*(?:['’&-][\p{L}\p{N}]+)*)/gu;

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let prevEnd = 0;
  let prev: Tok | undefined;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const raw = m[0];
    const start = m.index;
    const gap = text.slice(prevEnd, start);
    const para = gap.includes('\n') && /\n\s*\n|\n[ \t]{2}/.test(gap);
    if (prev && prev.link !== null) prev.link = para ? null : linkOf(gap);
    let k = gap.length - 1;
    while (k >= 0 && ' \t\r\n"\'“‘(['.includes(gap.charAt(k))) k--;
    const first = para || (k < 0 ? prevEnd === 0 || prev === undefined : '.!?:'.includes(gap.charAt(k)));
    prevEnd = start + raw.length;
    const text2 = raw.includes("'") || raw.includes('’') ? norm(raw) : raw;
    // Sentence-initial function words ("The", "But", "He") are not names; they break the run.
    if (first && STOPWORDS.has(raw.toLowerCase())) {
      if (prev) prev.link = null;
      continue;
    }
    const acro = raw.length > 1 && raw === raw.toUpperCase();
    // A possessive ends a name: "China's Commerce Ministry" is a country, then an organisation.
    prev = { text: text2, start, end: prevEnd, first, acro, link: text2.length === raw.length ? ' ' : null };
    toks.push(prev);
  }
  if (prev && prev.link !== null) prev.link = null;
  return toks;
}

/** " " for whitespace, " of the " for connector words, null for anything else (punctuation, verbs). */
function linkOf(gap: string): string | null {
  if (gap === ' ') return ' ';
  if (gap.length > 16) return null;
  const t = gap.trim();
  if (t === '') return gap.length > 0 ? ' ' : null;
  const parts = t.split(/\s+/);
  if (parts.length > 2 || !parts.every((w) => CONNECTORS.has(w))) return null;
  return t.endsWith("'") ? ` ${parts.join(' ')}` : ` ${parts.join(' ')} `;
}

const titleCase = (s: string): string => s.charAt(0) + s.slice(1).toLowerCase();

/** Longest table phrase starting at token i, as [phrase, token count]. */
function phraseAt(toks: Tok[], i: number): [Phrase, number] | undefined {
  const t = toks[i]!;
  const fold = t.acro && t.text.length > 3; // ALL-CAPS text: "CHINA" reads as "China"
  const max = FIRST.get(t.text) ?? (fold ? FIRST.get(titleCase(t.text)) : undefined) ?? 1;
  let key = t.text;
  let folded = fold ? titleCase(t.text) : key;
  let best: [Phrase, number] | undefined;
  for (let n = 1; n <= max; n++) {
    // Plural demonyms ("Americans", "South Koreans") name the country too.
    const hit =
      PHRASES.get(key) ??
      (fold ? PHRASES.get(folded) : undefined) ??
      (key.endsWith('ns') ? PHRASES.get(key.slice(0, -1)) : undefined);
    if (hit) best = [hit, n];
    const link = toks[i + n - 1]!.link;
    const next = toks[i + n];
    if (link === null || next === undefined) break;
    key += link + next.text;
    folded += link + (next.acro ? titleCase(next.text) : next.text);
  }
  return best;
}

function bump<K>(m: Map<K, number>, k: K, w = 1): void {
  m.set(k, (m.get(k) ?? 0) + w);
}

/** Keys by count, highest first; the stable sort keeps first-seen order on ties. */
const byCount = <K>(m: Map<K, number>): K[] => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);

const isNameTok = (t: Tok): boolean =>
  !t.acro && !NON_NAME.has(t.text) && !TITLES.has(t.text) && !ORG_SUFFIX.has(t.text);

interface Scan {
  text: string;
  toks: Tok[];
  /** Per token: bit 1 part of a country name, bit 2 part of a known multiword organisation. */
  marks: Uint8Array;
  orgs: Map<string, number>;
  people: Map<string, number>;
  candidates: Map<string, { n: number; cued: boolean }>;
}

/** Countries (ISO codes by frequency), people and organisations mentioned in `text`. */
export function extractEntities(text: string): Entities {
  const src = text.length > 200_000 ? text.slice(0, 200_000) : text;
  const toks = tokenize(src);
  const marks = new Uint8Array(toks.length);
  const scan: Scan = { text: src, toks, marks, orgs: new Map(), people: new Map(), candidates: new Map() };
  const countryCount = new Map<string, number>();
  for (let i = 0; i < toks.length; i++) {
    const hit = phraseAt(toks, i);
    if (!hit) continue;
    const [p, n] = hit;
    if (p.org) bump(scan.orgs, p.org);
    if (p.org && n > 1) for (let k = i; k < i + n; k++) scan.marks[k]! |= 2;
    if (!p.country) continue;
    // Weak names count only on their own: not "Chad Bown", "Washington Post", "George Washington".
    if (p.weak && ((i > 0 && toks[i - 1]!.link === ' ') || toks[i + n - 1]!.link === ' ')) continue;
    for (let k = i; k < i + n; k++) scan.marks[k]! |= 1;
    if (p.country !== '-') bump(countryCount, p.country, p.weak ? 0.5 : 1);
    i += n - 1;
  }
  const solo = new Set<string>();
  for (let i = 0; i < toks.length; ) {
    // A run: capitalised tokens linked by spaces or connectors ("Bank of America"), never by "and".
    let j = i;
    while (toks[j]!.link !== null && !toks[j]!.link!.includes(' and ') && j + 1 < toks.length) j++;
    if (i === j && !toks[i]!.acro) solo.add(toks[i]!.text);
    scanRun(scan, i, j);
    i = j + 1;
  }
  // A recurring name counts only if one part also stands alone ("Parsons said") or got a title:
  // people get a surname on second reference, companies ("Time Warner") keep their full name.
  for (const [name, c] of scan.candidates) {
    const parts = name.split(' ');
    const ends = [parts[0]!, parts[parts.length - 1]!];
    const known = ends.some((p) => scan.people.has(p));
    if (c.cued || known || (c.n >= 2 && ends.some((p) => solo.has(p)))) bump(scan.people, name, c.n);
  }
  return {
    countries: byCount(countryCount),
    people: mergePeople(scan.people, toks),
    organisations: mergeOrgs(scan.orgs),
  };
}

function joinToks(toks: Tok[], from: number, to: number): string {
  let s = toks[from]!.text;
  for (let k = from + 1; k <= to; k++) s += toks[k - 1]!.link + toks[k]!.text;
  return s;
}

function marked(marks: Uint8Array, from: number, to: number, bit: number): boolean {
  for (let k = from; k <= to; k++) if (marks[k]! & bit) return true;
  return false;
}

function scanRun({ text, toks, marks, orgs, people, candidates }: Scan, i: number, j: number): void {
  // The part before the first title may be an organisation ("European Commission President …").
  let orgEnd = i;
  while (orgEnd <= j && !TITLES.has(toks[orgEnd]!.text)) orgEnd++;
  orgEnd--;
  // A sentence-initial common noun is not part of the name: "Shares of U.S. Steel Corp".
  const from = toks[i]!.first && toks[i]!.link !== ' ' && !ORG_SUFFIX.has(toks[i]!.text) ? i + 1 : i;
  for (let k = orgEnd; k > from || (k === from && toks[k]!.link === ' of '); k--) {
    if (!ORG_SUFFIX.has(toks[k]!.text)) continue;
    const end = k < orgEnd && toks[k]!.link!.startsWith(' of') ? orgEnd : k; // head first: "Bank of America"
    // Known bodies were counted under their canonical name ("Bureau of Industry and Security" = BIS).
    if (!marked(marks, from, end, 2)) bump(orgs, joinToks(toks, from, end));
    break;
  }
  // After each title, the name-like tokens that follow are a person ("Vice Premier Liu He").
  let titled = false;
  for (let k = i; k <= j; k++) {
    if (!TITLES.has(toks[k]!.text)) continue;
    while (k < j && TITLES.has(toks[k + 1]!.text)) k++;
    let e = k;
    while (e < j && e - k < 4 && isNameTok(toks[e + 1]!)) e++;
    if (e > k && !marked(marks, k + 1, e, 1) && toks[k]!.link === ' ') {
      bump(people, joinToks(toks, k + 1, e));
      titled = true;
    }
  }
  // Otherwise a bare 2-3 word name-like run is a candidate ("said Robert Sinche").
  if (titled || j - i < 1 || j - i > 2 || marked(marks, i, j, 1)) return;
  for (let k = i; k <= j; k++) if (!isNameTok(toks[k]!)) return;
  // "chairman Richard Parsons", "said Robert Sinche" are strong cues; "X Y said" is weak (firms speak too).
  const before = /([a-z]+)\s$/.exec(text.slice(Math.max(0, toks[i]!.start - 16), toks[i]!.start))?.[1];
  const after = /^\s([a-z]+)/.exec(text.slice(toks[j]!.end, toks[j]!.end + 12))?.[1];
  const name = joinToks(toks, i, j);
  const c = candidates.get(name) ?? { n: 0, cued: false };
  c.n += after !== undefined && SAID.has(after) ? 2 : 1;
  c.cued ||= before !== undefined && CUES.has(before);
  candidates.set(name, c);
}

/** Fold surname-only mentions ("President Xi") into the full name ("Xi Jinping") and rank. */
function mergePeople(counts: Map<string, number>, toks: Tok[]): string[] {
  const byPart = new Map<string, string>();
  for (const n of counts.keys()) {
    if (!n.includes(' ')) continue;
    const parts = n.split(' ');
    for (const p of [parts[0]!, parts[parts.length - 1]!]) if (!byPart.has(p)) byPart.set(p, n);
  }
  const merged = new Map<string, number>();
  for (const [n, c] of counts) bump(merged, n.includes(' ') ? n : (byPart.get(n) ?? n), c);
  // Bare surname mentions ("Trump reiterated…") only add weight, never create a person.
  if (merged.size > 0) for (const t of toks) if (merged.has(t.text)) bump(merged, t.text, 0.25);
  return byCount(merged);
}

/** Drop a short known name when a longer organisation contains it ("Xinhua" in "Xinhua News Agency"). */
function mergeOrgs(counts: Map<string, number>): string[] {
  const names = [...counts.keys()];
  for (const n of names) {
    const longer = names.find((m) => m !== n && ` ${m} `.includes(` ${n} `));
    if (longer) {
      bump(counts, longer, counts.get(n) ?? 0);
      counts.delete(n);
    }
  }
  return byCount(counts);
}

/** All instrument rules in one pass: capture group g + 1 is INSTRUMENT_RULES[g]. */
const INSTRUMENTS = new RegExp(`\\b(?:${INSTRUMENT_RULES.map(([, alts]) => `(${alts})`).join('|')})\\b`, 'g');

/** Trade instruments the text talks about, most mentioned first. */
export function detectInstruments(text: string): TradeInstrument[] {
  const counts = new Map<TradeInstrument, number>();
  INSTRUMENTS.lastIndex = 0;
  const lower = text.toLowerCase();
  for (let m = INSTRUMENTS.exec(lower); m !== null; m = INSTRUMENTS.exec(lower)) {
    const g = m.findIndex((v, k) => k > 0 && v !== undefined);
    bump(counts, INSTRUMENT_RULES[g - 1]![0]);
  }
  return byCount(counts);
}
