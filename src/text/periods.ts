/**
 * Reporting periods named in a text, normalised so paraphrases compare equal: "first quarter",
 * "January-March", "Q1" and "the first three months" are all months 1–3; "October-December" is
 * the fourth quarter; "first half" is months 1–6. Years are read separately.
 */

/** An inclusive span of calendar months, 1 = January. */
export interface MonthSpan {
  from: number;
  to: number;
}

const MONTHS: Record<string, number> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
const ORDINALS: Record<string, number> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  fourth: 4,
  '4th': 4,
  final: 4,
  last: 4,
};
const COUNTS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
};

const MONTH = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\\.?`;
const RANGE = new RegExp(`\\b${MONTH}\\s*(?:-|–|/|to|through|thru)\\s*${MONTH}(?![a-z])`, 'gi');
const QUARTER = /\b(first|second|third|fourth|final|1st|2nd|3rd|4th)[ -](?:quarter|qtr)\b|\bq([1-4])\b/gi;
const HALF = /\b(first|second|1st|2nd)[ -]half\b|\bh([12])\b/gi;
const FIRST_N_MONTHS = /\bfirst (two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2}) months\b/gi;
const SINGLE = new RegExp(`\\b${MONTH}(?![a-z])`, 'gi');
const YEAR = /\b(19[5-9]\d|20\d\d)\b/g;

/** Month spans a text names (ranges, quarters, halves, "first n months", single months). */
export function monthSpans(text: string): MonthSpan[] {
  const spans: MonthSpan[] = [];
  let rest = text;
  const take = (re: RegExp, toSpan: (m: RegExpExecArray) => MonthSpan | null) => {
    rest = rest.replace(re, (...args: unknown[]) => {
      const m = args.slice(0, -2) as unknown as RegExpExecArray;
      const span = toSpan(m);
      if (span) spans.push(span);
      return ' ';
    });
  };
  take(RANGE, (m) => span(month(m[1]), month(m[2])));
  take(QUARTER, (m) => {
    const q = m[2] ? Number(m[2]) : (ORDINALS[(m[1] ?? '').toLowerCase()] ?? 0);
    return q ? { from: 3 * q - 2, to: 3 * q } : null;
  });
  take(HALF, (m) => {
    const h = m[2] ? Number(m[2]) : (ORDINALS[(m[1] ?? '').toLowerCase()] ?? 0);
    return h === 1 || h === 2 ? { from: 6 * h - 5, to: 6 * h } : null;
  });
  take(FIRST_N_MONTHS, (m) => {
    const raw = (m[1] ?? '').toLowerCase();
    const n = COUNTS[raw] ?? Number(raw);
    return n >= 1 && n <= 12 ? { from: 1, to: n } : null;
  });
  for (const m of rest.matchAll(SINGLE)) {
    const word = m[0];
    // "may" the verb and "march" the verb: only capitalised forms count as months.
    if (/^(?:may|march)$/i.test(word) && !/^\p{Lu}/u.test(word)) continue;
    const n = month(m[1]);
    if (n) spans.push({ from: n, to: n });
  }
  return dedupe(spans);
}

/** Four-digit years a text names. */
export function yearsIn(text: string): Set<number> {
  return new Set([...text.matchAll(YEAR)].map((m) => Number(m[1])));
}

export function sameSpan(a: MonthSpan, b: MonthSpan): boolean {
  return a.from === b.from && a.to === b.to;
}

export function describeSpan(s: MonthSpan): string {
  const names = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  const a = names[s.from - 1] ?? '?';
  return s.from === s.to ? a : `${a}–${names[s.to - 1] ?? '?'}`;
}

function month(word: string | undefined): number {
  return MONTHS[(word ?? '').toLowerCase().replace(/\.$/, '')] ?? 0;
}

function span(from: number, to: number): MonthSpan | null {
  return from && to && from <= to ? { from, to } : null;
}

function dedupe(spans: MonthSpan[]): MonthSpan[] {
  const out: MonthSpan[] = [];
  for (const s of spans) if (!out.some((o) => sameSpan(o, s))) out.push(s);
  return out;
}
